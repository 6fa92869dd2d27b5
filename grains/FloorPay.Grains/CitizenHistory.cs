namespace FloorPay.Grains;

/// <summary>Everything recorded about one citizen as journal entries, each kind oldest first: what an activation folds.</summary>
public sealed record CitizenHistory(IReadOnlyList<JournalEntry> Entries)
{
    public static readonly CitizenHistory Empty = new([]);

    /// <summary>The entries of one kind, oldest first.</summary>
    public IReadOnlyList<T> Of<T>() where T : JournalEntry => Entries.OfType<T>().ToList();
}
