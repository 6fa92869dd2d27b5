namespace FloorPay.Gateway;

/// <summary>Configuration section "FloorPay:Instructions".</summary>
public sealed class InstructionStreamOptions
{
    /// <summary>
    /// How often an idle subscriber stream looks for instructions committed on other silos (this silo's commits wake it
    /// at once). Bounds the delivery delay across a cluster.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
