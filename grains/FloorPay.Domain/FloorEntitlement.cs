namespace FloorPay.Domain;

/// <summary>
/// What the floor pays. Its inputs are deliberately only the policy, the period and the enrollment instant:
/// contribution credits, dividends, fund balance and appeals cannot influence it (rule 1).
/// </summary>
public static class FloorEntitlement
{
    /// <summary>The payout for the enrollment period, paid at once on enrollment (rule 2).</summary>
    public static (Money Amount, ReasonCode Reason) AtEnrollment(FloorPolicy policy, Period period, DateTimeOffset enrolledAt)
    {
        if (policy.FirstPayout == FirstPayoutRule.Full)
            return (policy.Floor, new ReasonCode(ReasonRules.FloorEnrollmentFull, policy.Version));
        var (part, _) = policy.Floor.Portion(period.DaysRemainingFrom(enrolledAt), period.Days);
        return (part, new ReasonCode(ReasonRules.FloorEnrollmentProRated, policy.Version));
    }

    /// <summary>The payout for a whole period after the enrollment period.</summary>
    public static (Money Amount, ReasonCode Reason) ForPeriod(FloorPolicy policy) =>
        (policy.Floor, new ReasonCode(ReasonRules.FloorPeriod, policy.Version));
}
