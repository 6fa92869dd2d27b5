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

    /// <summary>
    /// The configured versions (checked as a book), or none: then the published book is used as it is, and the demo
    /// policy is published on an empty store (see <see cref="Storage.PolicyPublication"/>).
    /// </summary>
    public static IReadOnlyList<FloorPolicy> Configured(IConfiguration configuration)
    {
        var versions = configuration.GetSection("FloorPay:Policy:Versions").Get<List<PolicySettings>>();
        if (versions is not { Count: > 0 }) return [];
        return new PolicyBook(versions.Select(v => v.ToPolicy())).Versions;
    }
}
