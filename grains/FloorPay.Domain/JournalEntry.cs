namespace FloorPay.Domain;

/// <summary>
/// One append-only record of a citizen's journal: the closed set of what the ledger stores (payouts, civic records,
/// instructions and their outcomes, account changes, idempotency keys). Writers hand the ledger a list of them, which
/// commits in one transaction or not at all.
/// </summary>
public abstract record JournalEntry
{
    // Closed: every kind is declared in this assembly, so a store can map each one.
    private protected JournalEntry() { }

    /// <summary>
    /// Identifies the entry among all kinds in a batch. Records' own ids differ by kind in their last segments; derived
    /// ids carry a prefix with '/', which no identifier may contain, so a citizen named "outcome:c-1" cannot collide with
    /// the outcome of instruction "c-1:…".
    /// </summary>
    public abstract string JournalId { get; }
}
