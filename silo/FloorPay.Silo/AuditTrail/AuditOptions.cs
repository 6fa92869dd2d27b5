namespace FloorPay.Silo.AuditTrail;

/// <summary>Configuration section "FloorPay:Audit".</summary>
public sealed class AuditOptions
{
    /// <summary>How often each silo seals new entries and signs a checkpoint; zero turns the timer off (export still seals).</summary>
    public TimeSpan SealInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far before the newest sealed entry a seal looks for late commits: well above any commit deadline.</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>PEM file of the checkpoint signing key (ECDSA P-256); the embedded store makes its own when unset.</summary>
    public string? SigningKeyFile { get; set; }

    public static AuditOptions From(IConfiguration config) => config.GetSection("FloorPay:Audit").Get<AuditOptions>() ?? new AuditOptions();

    public IEnumerable<string> Problems()
    {
        if (SealInterval < TimeSpan.Zero) yield return "SealInterval cannot be negative";
        if (Lookback <= TimeSpan.Zero) yield return "Lookback must be positive";
    }
}
