namespace FloorPay.Gateway;

/// <summary>Configuration section "FloorPay:Instructions": instruction streams to banks.</summary>
public sealed class InstructionStreamOptions
{
    /// <summary>
    /// Whether commits are announced to every silo's streams through Orleans Streaming. Unset: on with PostgreSQL (a
    /// cluster), off with SQLite (one node, whose own commits wake its streams directly, so it runs no notice queue).
    /// </summary>
    public bool? ClusterNotices { get; set; }

    /// <summary>
    /// How often each silo reads the in-memory queues of the banks' instruction notices (Orleans memory streams' pulling
    /// period; no database query): bounds how soon a stream sees instructions committed on another silo.
    /// </summary>
    public TimeSpan NoticeQueuePeriod { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>In-memory queues that carry the notices, across the cluster: each costs a read per period on the silo that owns it.</summary>
    public int NoticeQueues { get; set; } = 1;

    /// <summary>How often each bank's notice subscription on this silo is checked (a grain call) and renewed if lost.</summary>
    public TimeSpan NoticeCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

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
