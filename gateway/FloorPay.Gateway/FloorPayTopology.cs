namespace FloorPay.Gateway;

/// <summary>The regions and funds that exist (configuration section "FloorPay").</summary>
public sealed class FloorPayTopology
{
    public const string Section = "FloorPay";

    public List<string> Regions { get; set; } = [];

    public List<string> Funds { get; set; } = [];
}
