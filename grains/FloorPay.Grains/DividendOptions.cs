namespace FloorPay.Grains;

/// <summary>Configuration section "FloorPay:Dividends".</summary>
public sealed class DividendOptions
{
    /// <summary>
    /// Citizens enrolled within this long before a declaration are not yet eligible for it: the fund's enrolled count
    /// reaches it asynchronously, and must include everyone it pays. Must exceed the aggregate feed's delivery delay.
    /// </summary>
    public TimeSpan EligibilityGrace { get; set; } = TimeSpan.FromSeconds(2);
}
