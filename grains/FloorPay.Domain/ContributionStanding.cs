namespace FloorPay.Domain;

/// <summary>
/// Where a citizen stands against the published contribution quota in one period. Informational only:
/// there is no sanction path, and the floor never reads it (rule 6).
/// </summary>
public static class ContributionStanding
{
    public static ReasonCode Evaluate(FloorPolicy policy, long minutesRecorded, bool exempt)
    {
        if (exempt) return new ReasonCode(ReasonRules.QuotaExempt, policy.Version);
        return minutesRecorded >= policy.ContributionQuotaMinutes
            ? new ReasonCode(ReasonRules.QuotaMet, policy.Version)
            : new ReasonCode(ReasonRules.QuotaOpen, policy.Version);
    }

    /// <summary>An exemption covers a period when it is active on any day of it.</summary>
    public static bool Covers(DateTimeOffset grantedAt, DateTimeOffset expiresAt, Period period) =>
        grantedAt.UtcDateTime < period.End.ToDateTime(TimeOnly.MinValue) &&
        expiresAt.UtcDateTime > period.Start.ToDateTime(TimeOnly.MinValue);
}
