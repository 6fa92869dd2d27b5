namespace FloorPay.Silo.Storage;

/// <summary>How contribution and exemption entries map to their rows, for both dialects.</summary>
internal static class CivicColumns
{
    public const string Contribution =
        "contribution_id, citizen_id, category, minutes, period, platform_id, reason_code, idempotency_key, fingerprint, recorded_at_ticks";

    public const string Exemption =
        "exemption_id, citizen_id, category, evidence_reference, granted_at_ticks, expires_at_ticks, reviewer_id, reason_code, idempotency_key, fingerprint";

    public static ContributionEntry ReadContribution(DbDataReader r) => new(
        r.Text("contribution_id"), r.Text("citizen_id"), r.Text("category"), r.Int("minutes"), r.Text("period"), r.Text("platform_id"),
        r.Text("reason_code"), r.Text("idempotency_key"), r.Text("fingerprint"), r.Instant("recorded_at_ticks"));

    public static ExemptionEntry ReadExemption(DbDataReader r) => new(
        r.Text("exemption_id"), r.Text("citizen_id"), r.Text("category"), r.Text("evidence_reference"), r.Instant("granted_at_ticks"),
        r.Instant("expires_at_ticks"), r.Text("reviewer_id"), r.Text("reason_code"), r.Text("idempotency_key"), r.Text("fingerprint"));

    public const string Appeal =
        "appeal_id, citizen_id, decision_id, ground, evidence_reference, filed_by, filed_at_ticks, idempotency_key, fingerprint";

    public const string Resolution =
        "appeal_id, citizen_id, outcome, reason, corrective_amount, reviewer_id, resolved_at_ticks, reason_code, idempotency_key, fingerprint, " +
        "correction_limit";

    public const string Approval = "appeal_id, citizen_id, reviewer_id, approved_at_ticks, idempotency_key, fingerprint";

    public const string Key = "scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks";

    public static IdempotencyKeyEntry ReadKey(DbDataReader r) => new(
        r.Text("scope"), r.Text("idempotency_key"), r.Text("citizen_id"), r.Text("entry_id"), r.Text("fingerprint"), r.Instant("recorded_at_ticks"));

    public static CorrectionApprovalEntry ReadApproval(DbDataReader r) => new(
        r.Text("appeal_id"), r.Text("citizen_id"), r.Text("reviewer_id"), r.Instant("approved_at_ticks"), r.Text("idempotency_key"), r.Text("fingerprint"));

    public static AppealEntry ReadAppeal(DbDataReader r) => new(
        r.Text("appeal_id"), r.Text("citizen_id"), r.Text("decision_id"), r.Text("ground"), r.TextOrNull("evidence_reference"), r.Text("filed_by"),
        r.Instant("filed_at_ticks"), r.Text("idempotency_key"), r.Text("fingerprint"));

    public static AppealResolutionEntry ReadResolution(DbDataReader r) => new(
        r.Text("appeal_id"), r.Text("citizen_id"), Outcome(r.Text("outcome")), r.Text("reason"), r.Long("corrective_amount"), r.Text("reviewer_id"),
        r.Instant("resolved_at_ticks"), r.Text("reason_code"), r.Text("idempotency_key"), r.Text("fingerprint"), r.LongOrNull("correction_limit"));

    public static string Outcome(AppealOutcome outcome) => outcome == AppealOutcome.Upheld ? "upheld" : "rejected";

    public static AppealOutcome Outcome(string outcome) => outcome == "upheld" ? AppealOutcome.Upheld : AppealOutcome.Rejected;
}
