using FloorPay.Domain;

namespace FloorPay.Silo;

/// <summary>One policy version as written in configuration ("FloorPay:Policy:Versions").</summary>
public sealed class PolicySettings
{
    public int Version { get; set; }
    public string EffectiveFrom { get; set; } = "";
    public string Currency { get; set; } = "";
    public long FloorAmount { get; set; }
    public PeriodLength PeriodLength { get; set; } = PeriodLength.Monthly;
    public FirstPayoutRule FirstPayout { get; set; } = FirstPayoutRule.Full;
    public int ContributionQuotaMinutes { get; set; }
    public List<string> ContributionCategories { get; set; } = [];
    public List<string> ExemptionCategories { get; set; } = [];
    public int LowRunwayAlertPeriods { get; set; }

    public FloorPolicy ToPolicy() => new()
    {
        Version = Version,
        EffectiveFrom = EffectiveFrom,
        Currency = Currency,
        FloorAmount = FloorAmount,
        PeriodLength = PeriodLength,
        FirstPayout = FirstPayout,
        ContributionQuotaMinutes = ContributionQuotaMinutes,
        ContributionCategories = ContributionCategories,
        ExemptionCategories = ExemptionCategories,
        LowRunwayAlertPeriods = LowRunwayAlertPeriods,
    };

    /// <summary>The configured policy book, or the demo policy when none is configured.</summary>
    public static PolicyBook Load(IConfiguration configuration)
    {
        var versions = configuration.GetSection("FloorPay:Policy:Versions").Get<List<PolicySettings>>();
        return versions is { Count: > 0 }
            ? new PolicyBook(versions.Select(v => v.ToPolicy()))
            : new PolicyBook([DefaultPolicy.Version1()]);
    }
}
