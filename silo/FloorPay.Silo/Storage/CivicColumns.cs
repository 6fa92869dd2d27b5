namespace FloorPay.Silo.Storage;

/// <summary>How contribution and exemption entries map to their rows, for both dialects.</summary>
internal static class CivicColumns
{
    public const string Contribution =
        "contribution_id, citizen_id, category, minutes, period, platform_id, reason_code, idempotency_key, fingerprint, recorded_at_ticks";

    public const string Exemption =
        "exemption_id, citizen_id, category, evidence_reference, granted_at_ticks, expires_at_ticks, reviewer_id, reason_code, idempotency_key, fingerprint";

    public static ContributionEntry ReadContribution(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.GetString(7), r.GetString(8), new DateTimeOffset(r.GetInt64(9), TimeSpan.Zero));

    public static ExemptionEntry ReadExemption(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero),
        new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero), r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9));

    public const string Appeal =
        "appeal_id, citizen_id, decision_id, ground, evidence_reference, filed_by, filed_at_ticks, idempotency_key, fingerprint";

    public const string Resolution =
        "appeal_id, citizen_id, outcome, reason, corrective_amount, reviewer_id, resolved_at_ticks, reason_code, idempotency_key, fingerprint, " +
        "correction_limit";

    public const string Approval = "appeal_id, citizen_id, reviewer_id, approved_at_ticks, idempotency_key, fingerprint";

    public const string Key = "scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks";

    public static IdempotencyKeyEntry ReadKey(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero));

    public static CorrectionApprovalEntry ReadApproval(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), new DateTimeOffset(r.GetInt64(3), TimeSpan.Zero), r.GetString(4), r.GetString(5));

    public static AppealEntry ReadAppeal(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5),
        new DateTimeOffset(r.GetInt64(6), TimeSpan.Zero), r.GetString(7), r.GetString(8));

    public static AppealResolutionEntry ReadResolution(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Outcome(r.GetString(2)), r.GetString(3), r.GetInt64(4), r.GetString(5),
        new DateTimeOffset(r.GetInt64(6), TimeSpan.Zero), r.GetString(7), r.GetString(8), r.GetString(9), r.IsDBNull(10) ? null : r.GetInt64(10));

    public static string Outcome(AppealOutcome outcome) => outcome == AppealOutcome.Upheld ? "upheld" : "rejected";

    public static AppealOutcome Outcome(string outcome) => outcome == "upheld" ? AppealOutcome.Upheld : AppealOutcome.Rejected;
}
