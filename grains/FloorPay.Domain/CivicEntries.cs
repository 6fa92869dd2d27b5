namespace FloorPay.Domain;

/// <summary>Contribution minutes recorded for a citizen: an append-only record, like a payout.</summary>
public sealed record ContributionEntry(
    string ContributionId,
    string CitizenId,
    string Category,
    int Minutes,
    string Period,
    string PlatformId,
    string ReasonCode,
    string IdempotencyKey,
    string Fingerprint,
    DateTimeOffset RecordedAt) : JournalEntry
{
    public override string JournalId => ContributionId;
}

/// <summary>An exemption granted to a citizen from the enumerated list: an append-only record.</summary>
public sealed record ExemptionEntry(
    string ExemptionId,
    string CitizenId,
    string Category,
    string EvidenceReference,
    DateTimeOffset GrantedAt,
    DateTimeOffset ExpiresAt,
    string ReviewerId,
    string ReasonCode,
    string IdempotencyKey,
    string Fingerprint) : JournalEntry
{
    public override string JournalId => ExemptionId;
}

/// <summary>An appeal filed against a decision: an append-only record.</summary>
public sealed record AppealEntry(
    string AppealId,
    string CitizenId,
    string DecisionId,
    string Ground,
    string? EvidenceReference,
    string FiledBy,
    DateTimeOffset FiledAt,
    string IdempotencyKey,
    string Fingerprint) : JournalEntry
{
    public override string JournalId => AppealId;
}

/// <summary>The one resolution of an appeal: an append-only record (unique per appeal).</summary>
public sealed record AppealResolutionEntry(
    string AppealId,
    string CitizenId,
    AppealOutcome Outcome,
    string Reason,
    long CorrectiveAmount,
    string ReviewerId,
    DateTimeOffset ResolvedAt,
    string ReasonCode,
    string IdempotencyKey,
    string Fingerprint,
    long? CorrectionLimit = null) : JournalEntry
{
    public override string JournalId => $"resolution/{AppealId}";
}

/// <summary>
/// A second reviewer's approval of a correction above the limit the resolving reviewer may order alone: an append-only
/// record (one per appeal), committed with the correction it releases.
/// </summary>
public sealed record CorrectionApprovalEntry(
    string AppealId,
    string CitizenId,
    string ReviewerId,
    DateTimeOffset ApprovedAt,
    string IdempotencyKey,
    string Fingerprint) : JournalEntry
{
    public override string JournalId => $"approval/{AppealId}";
}

/// <summary>
/// The use of an idempotency key: unique per scope (the calling participant: a bank's id, or a participant's id) and
/// key, committed with the record it produced (<see cref="EntryId"/>), so that a key names one request for good.
/// </summary>
public sealed record IdempotencyKeyEntry(
    string Scope,
    string Key,
    string CitizenId,
    string EntryId,
    string Fingerprint,
    DateTimeOffset RecordedAt) : JournalEntry
{
    public override string JournalId => $"key/{Scope}/{Key}";
}
