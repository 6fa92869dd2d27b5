namespace FloorPay.Grains;

/// <summary>Configuration section "FloorPay:Metrics".</summary>
public sealed class MetricsOptions
{
    /// <summary>How often each silo recounts the instructions banks have not settled or returned yet (one grouped query).</summary>
    public TimeSpan OutstandingRefresh { get; set; } = TimeSpan.FromSeconds(30);
}
