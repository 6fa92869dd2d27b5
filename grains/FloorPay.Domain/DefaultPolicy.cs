namespace FloorPay.Domain;

/// <summary>The demo policy of the single-node default, used when configuration publishes none.</summary>
public static class DefaultPolicy
{
    public static readonly IReadOnlyList<string> ContributionCategories =
    [
        "care", "community-support", "education", "disaster-prevention", "disaster-response",
        "public-data-maintenance", "environment", "transport",
    ];

    public static readonly IReadOnlyList<string> ExemptionCategories =
    [
        "childcare", "illness", "disability", "caregiving", "regional-unavailability",
    ];

    public static FloorPolicy Version1(string effectiveFrom = "2026-01") => new()
    {
        Version = 1,
        EffectiveFrom = effectiveFrom,
        Currency = "EUR",
        FloorAmount = 120_000,
        PeriodLength = PeriodLength.Monthly,
        FirstPayout = FirstPayoutRule.Full,
        ContributionQuotaMinutes = 600,
        ContributionCategories = ContributionCategories,
        ExemptionCategories = ExemptionCategories,
        LowRunwayAlertPeriods = 3,
    };
}
