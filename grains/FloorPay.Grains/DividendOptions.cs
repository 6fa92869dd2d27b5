namespace FloorPay.Grains;

/// <summary>Configuration section "FloorPay:Dividends".</summary>
public sealed class DividendOptions
{
    /// <summary>
    /// How long after a declaration's cutoff its share is fixed by counting, in the ledger, the enrollments before the
    /// cutoff. Must exceed the longest an enrollment can take to commit (the ledger's enrollment age limit plus its
    /// commit timeout), so that no eligible enrollment commits after the count.
    /// </summary>
    public TimeSpan EligibilityGrace { get; set; } = TimeSpan.FromSeconds(8);
}
