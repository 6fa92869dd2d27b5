namespace FloorPay.Gateway;

/// <summary>Configuration section "FloorPay:Instructions": instruction streams to banks.</summary>
public sealed class InstructionStreamOptions
{
    /// <summary>
    /// How often this silo reads every bank's latest instruction sequence (one query for all banks, only while a stream
    /// is open) to wake the streams of banks that advanced on other silos; this silo's own commits wake them at once.
    /// Bounds the delivery delay across a cluster.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A heartbeat (with the bank's latest committed sequence) on every stream at this interval, so that a bank can tell a
    /// quiet stream from a frozen gateway and resume elsewhere.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Open streams per bank on this gateway (both ports together); beyond it, RESOURCE_EXHAUSTED.</summary>
    public int MaxStreamsPerBank { get; set; } = 8;

    /// <summary>Open streams on this gateway for all banks together; beyond it, RESOURCE_EXHAUSTED.</summary>
    public int MaxStreams { get; set; } = 256;
}
