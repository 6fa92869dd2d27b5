namespace FloorPay.Domain;

/// <summary>
/// The machine-readable reason for an automated decision: the rule applied and the policy version it was applied under,
/// written "RULE@policy-vN" (e.g. "FLOOR_ENROLLMENT_PRORATED@policy-v1").
/// </summary>
public readonly record struct ReasonCode(string Rule, int PolicyVersion)
{
    public override string ToString() => $"{Rule}@policy-v{PolicyVersion}";
}

/// <summary>The rules that automated decisions name. Each maps to a rule of the published design.</summary>
public static class ReasonRules
{
    /// <summary>Floor paid in full at enrollment for the enrollment period (rule 2).</summary>
    public const string FloorEnrollmentFull = "FLOOR_ENROLLMENT_FULL";

    /// <summary>Floor paid pro-rated at enrollment for the enrollment period (rule 2).</summary>
    public const string FloorEnrollmentProRated = "FLOOR_ENROLLMENT_PRORATED";

    /// <summary>Floor paid for a period the citizen was enrolled and active in (rule 1).</summary>
    public const string FloorPeriod = "FLOOR_PERIOD";

    /// <summary>Accrued per-capita AI dividends paid out (rule 7).</summary>
    public const string DividendClaim = "DIVIDEND_CLAIM";

    /// <summary>Contribution minutes recorded against the published quota (rule 6).</summary>
    public const string ContributionRecorded = "CONTRIBUTION_RECORDED";

    /// <summary>Exemption granted from the enumerated list with evidence and expiry (rule 6).</summary>
    public const string ExemptionGranted = "EXEMPTION_GRANTED";

    /// <summary>An appeal filed against a decision, waiting for a human reviewer (rule 9).</summary>
    public const string AppealFiled = "APPEAL_FILED";

    /// <summary>An appeal upheld by a reviewer, with a corrective payment if one was ordered (rule 9).</summary>
    public const string AppealUpheld = "APPEAL_UPHELD";

    /// <summary>An appeal rejected by a reviewer, with the reviewer's reasons (rule 9).</summary>
    public const string AppealRejected = "APPEAL_REJECTED";

    /// <summary>Notice to a bank that a citizen's payouts move to another account after the cooling-off.</summary>
    public const string AccountChangeNotice = "ACCOUNT_CHANGE_NOTICE";

    /// <summary>Quota met by recorded minutes.</summary>
    public const string QuotaMet = "QUOTA_MET";

    /// <summary>Quota not yet met: informational only, never a sanction.</summary>
    public const string QuotaOpen = "QUOTA_OPEN";

    /// <summary>Quota not applicable because an exemption covers the period.</summary>
    public const string QuotaExempt = "QUOTA_EXEMPT";
}
