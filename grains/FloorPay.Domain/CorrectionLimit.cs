namespace FloorPay.Domain;

/// <summary>
/// Rule 9: a corrective payment is bounded by what the policy would have paid for the disputed decision, one floor
/// amount of the decision's period. One reviewer may order up to that; anything above needs a second, different
/// reviewer's approval and pays nothing until then.
/// </summary>
public static class CorrectionLimit
{
    public static long For(FloorPolicy policyOfDecisionPeriod) => policyOfDecisionPeriod.FloorAmount;

    public static bool NeedsSecondApproval(long correctiveAmount, long limit) => correctiveAmount > limit;
}
