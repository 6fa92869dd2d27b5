namespace FloorPay.Gateway;

/// <summary>Configuration section "FloorPay:Admission": bounds that turn overload into fast, explicit refusals.</summary>
public sealed class AdmissionOptions
{
    /// <summary>
    /// Mutating calls in flight on this gateway; beyond it, RESOURCE_EXHAUSTED at once. With <see cref="AdaptiveWrites"/>
    /// this is the ceiling of the adaptive limit (envelopes are bounded by it alone). Keep it near capacity × the latency
    /// you accept (e.g. 2,500/s × 0.1 s): a deeper queue only makes every admitted call slower.
    /// </summary>
    public int MaxWritesInFlight { get; set; } = 256;

    /// <summary>
    /// Whether single writes are bounded by a limit that follows their measured latency (<see cref="Auth.WriteLimit"/>),
    /// between <see cref="MinWritesInFlight"/> and <see cref="MaxWritesInFlight"/>, instead of the ceiling alone. Off by
    /// default until it is measured on dedicated cores (docs/benchmarks.md, issue 14): it refuses bursts that the fixed
    /// bound would queue, so clients must retry RESOURCE_EXHAUSTED as the API asks.
    /// </summary>
    public bool AdaptiveWrites { get; set; }

    /// <summary>
    /// The smoothed latency of single writes the adaptive limit holds them to: it settles near capacity × this. Keep it
    /// well under clients' deadlines and above a write's own time under load (measured mean 15-60 ms at 1,000/s here).
    /// </summary>
    public TimeSpan WriteLatencyTarget { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The adaptive limit's floor: enough writes in flight to fill the ledger's group commits on every core.</summary>
    public int MinWritesInFlight { get; set; } = Math.Max(8, 4 * Environment.ProcessorCount);

    /// <summary>Read calls (statements, policy, funds, regions) in flight, bounded separately so reads stay cheap.</summary>
    public int MaxReadsInFlight { get; set; } = 1024;

    /// <summary>Calls in flight for any one participant, so that one bank cannot take all the capacity.</summary>
    public int MaxInFlightPerParticipant { get; set; } = 256;

    /// <summary>Mutating calls per second for a participant without its own WritesPerSecond (0: no rate limit).</summary>
    public double DefaultWritesPerSecond { get; set; }

    /// <summary>Read calls per second for a participant without its own ReadsPerSecond (0: no rate limit).</summary>
    public double DefaultReadsPerSecond { get; set; }

    /// <summary>How many seconds' worth of calls a participant may send at once (the token bucket's size).</summary>
    public double BurstSeconds { get; set; } = 1;

    /// <summary>The retry-after hint sent with a refusal.</summary>
    public int RetryAfterMilliseconds { get; set; } = 250;
}
