namespace FloorPay.Silo.Storage;

/// <summary>Configuration section "FloorPay:Ledger".</summary>
public sealed record LedgerOptions
{
    /// <summary>Most postings committed in one transaction.</summary>
    public int MaxBatch { get; init; } = 1024;

    /// <summary>Concurrent writer loops (PostgreSQL only; SQLite has a single writer).</summary>
    public int Writers { get; init; } = 2;

    /// <summary>Postings waiting for a writer before new ones wait for room (back-pressure, never unbounded memory).</summary>
    public int MaxQueued { get; init; } = 20_000;

    /// <summary>A batch not committed within this time fails its callers (retryable) instead of hanging them.</summary>
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An enrollment whose batch starts later than this after its stamp is refused (retryable). With the commit
    /// timeout, this bounds when an enrollment can commit: keep their sum below FloorPay:Dividends:EligibilityGrace.
    /// </summary>
    public TimeSpan MaxEnrollmentAge { get; init; } = TimeSpan.FromSeconds(2);
}
