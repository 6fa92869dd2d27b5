namespace FloorPay.Domain;

/// <summary>
/// One version of the published policy document: everything an automated decision depends on.
/// Versions are immutable; a change is a new version that takes effect from a future period.
/// </summary>
public sealed record FloorPolicy
{
    public required int Version { get; init; }

    /// <summary>The first period this version governs (e.g. "2026-11" or "2026-W48").</summary>
    public required string EffectiveFrom { get; init; }

    public required string Currency { get; init; }

    /// <summary>The unconditional floor per period, in minor units.</summary>
    public required long FloorAmount { get; init; }

    public required PeriodLength PeriodLength { get; init; }

    public required FirstPayoutRule FirstPayout { get; init; }

    /// <summary>Published per-period contribution quota in minutes. Informational: it never affects the floor.</summary>
    public required int ContributionQuotaMinutes { get; init; }

    public required IReadOnlyList<string> ContributionCategories { get; init; }

    /// <summary>The only grounds for a contribution exemption; the same list applies to everyone.</summary>
    public required IReadOnlyList<string> ExemptionCategories { get; init; }

    /// <summary>Below this many periods of floor coverage the fund raises its low-runway alert.</summary>
    public required int LowRunwayAlertPeriods { get; init; }

    public Period EffectiveFromPeriod => Period.Parse(EffectiveFrom, PeriodLength);

    public Money Floor => new(FloorAmount, Currency);

    /// <summary>Whether <paramref name="other"/> is this very document (the lists compared item by item).</summary>
    public bool SameAs(FloorPolicy other) =>
        Version == other.Version && EffectiveFrom == other.EffectiveFrom && Currency == other.Currency && FloorAmount == other.FloorAmount &&
        PeriodLength == other.PeriodLength && FirstPayout == other.FirstPayout && ContributionQuotaMinutes == other.ContributionQuotaMinutes &&
        ContributionCategories.SequenceEqual(other.ContributionCategories) && ExemptionCategories.SequenceEqual(other.ExemptionCategories) &&
        LowRunwayAlertPeriods == other.LowRunwayAlertPeriods;

    /// <summary>Problems that make this document unpublishable; empty when it is valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Version < 1) problems.Add("version must be at least 1");
        if (!Period.TryParse(EffectiveFrom, PeriodLength, out _)) problems.Add($"effective-from '{EffectiveFrom}' is not a {PeriodLength} period");
        if (Currency is not { Length: 3 } || !Currency.All(char.IsAsciiLetterUpper)) problems.Add("currency must be a 3-letter ISO 4217 code");
        if (FloorAmount <= 0) problems.Add("floor amount must be positive");
        if (!Enum.IsDefined(PeriodLength)) problems.Add("unknown period length");
        if (!Enum.IsDefined(FirstPayout)) problems.Add("unknown first-payout rule");
        if (ContributionQuotaMinutes < 0) problems.Add("contribution quota cannot be negative");
        if (LowRunwayAlertPeriods < 0) problems.Add("low-runway alert threshold cannot be negative");
        if (ContributionCategories.Count == 0) problems.Add("at least one contribution category is required");
        if (ContributionCategories.Any(c => !Identifier.IsValid(c)) || ExemptionCategories.Any(c => !Identifier.IsValid(c)))
            problems.Add("category names must be identifiers");
        if (ContributionCategories.Distinct().Count() != ContributionCategories.Count ||
            ExemptionCategories.Distinct().Count() != ExemptionCategories.Count)
            problems.Add("category names must be unique");
        return problems;
    }
}
