namespace FloorPay.Silo.Storage;

/// <summary>One dialect's way to commit a batch of entries in one transaction and read citizens back.</summary>
internal interface ILedgerStore : IAsyncDisposable
{
    /// <summary>
    /// Inserts the entries (payouts with their journal legs, contributions, exemptions) that do not conflict with a
    /// unique key, all in one transaction, then asks <paramref name="approve"/> with what was inserted, immediately
    /// before COMMIT: it commits and returns the ids inserted if approved, and rolls back and returns null if not.
    /// Without <paramref name="unitsNeedApproval"/> (nothing in the batch can go in by halves) a store may commit without
    /// waiting for the approval, which then only sees what was committed.
    /// </summary>
    Task<BatchCommit?> InsertBatchAsync(IReadOnlyList<JournalEntry> batch, Func<BatchCommit, bool> approve, bool unitsNeedApproval,
        CancellationToken cancellation);

    /// <summary>The citizen whose record used this idempotency key of this scope, if any.</summary>
    Task<string?> CitizenHoldingKeyAsync(string scope, string key, CancellationToken cancellation);

    /// <summary>The records of several citizens in one round trip, oldest first per citizen.</summary>
    Task<IReadOnlyDictionary<string, CitizenHistory>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation);
}

/// <summary>
/// What a committed batch inserted (by entry id), which banks got new instructions (with each one's latest sequence), and which enrollments it refused
/// because a dividend cutoff after their stamp was already sealed (retryable: a new stamp is after the cutoff).
/// </summary>
internal sealed record BatchCommit(HashSet<string> Inserted, Dictionary<string, long> Banks, HashSet<string>? Stale = null)
{
    public bool IsStale(string id) => Stale?.Contains(id) == true;
}

/// <summary>Citizens' histories as a read collects them, table by table (so each kind stays in its order).</summary>
internal sealed class CitizenHistories(IEnumerable<string> citizenIds)
{
    private readonly Dictionary<string, List<JournalEntry>> _entries = citizenIds.Distinct().ToDictionary(id => id, _ => new List<JournalEntry>(), StringComparer.Ordinal);

    /// <summary>Adds the row the reader is on, which <paramref name="table"/> selected.</summary>
    public void Add(JournalTable table, DbDataReader row) => _entries[row.Text("citizen_id")].Add(table.Read(row));

    public IReadOnlyDictionary<string, CitizenHistory> ByCitizen() =>
        _entries.ToDictionary(e => e.Key, e => new CitizenHistory(e.Value), StringComparer.Ordinal);
}
