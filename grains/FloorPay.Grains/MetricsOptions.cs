namespace FloorPay.Grains;

/// <summary>Configuration section "FloorPay:Metrics".</summary>
public sealed class MetricsOptions
{
    /// <summary>How often each silo recounts the instructions banks have not settled or returned yet (one grouped query).</summary>
    public TimeSpan OutstandingRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What makes this configuration unusable; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (OutstandingRefresh <= TimeSpan.Zero) yield return "OutstandingRefresh must be positive";
    }
}
