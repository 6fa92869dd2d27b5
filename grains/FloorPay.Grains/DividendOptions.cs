namespace FloorPay.Grains;

/// <summary>Configuration section "FloorPay:Dividends".</summary>
public sealed class DividendOptions
{
    /// <summary>
    /// How long after a declaration's cutoff its eligible count is sealed in the ledger. The seal keeps the count exact
    /// whatever the wait; a wait above the longest an enrollment normally takes to commit (the ledger's enrollment age
    /// limit plus its commit timeout) keeps the enrollments it refuses (retryably) rare.
    /// </summary>
    public TimeSpan EligibilityGrace { get; set; } = TimeSpan.FromSeconds(8);
}
