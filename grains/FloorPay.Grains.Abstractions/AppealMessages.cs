namespace FloorPay.Grains;

/// <summary>An appeal against a decision about this citizen, filed by its bank or a reviewer.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.FileAppealCommand")]
public sealed record FileAppealCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string DecisionId,
    [property: Id(2)] string Ground,
    [property: Id(3)] string? EvidenceReference,
    [property: Id(4)] string FiledBy,
    [property: Id(5)] string? ActingBankId);

/// <summary>A reviewer's resolution; an upheld appeal may order a corrective payment.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.ResolveAppealCommand")]
public sealed record ResolveAppealCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string AppealId,
    [property: Id(2)] AppealOutcome Outcome,
    [property: Id(3)] string Reason,
    [property: Id(4)] long CorrectiveAmount,
    [property: Id(5)] string ReviewerId);

/// <summary>A second reviewer's approval of a correction above the limit one reviewer may order alone.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.ApproveCorrectionCommand")]
public sealed record ApproveCorrectionCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string AppealId,
    [property: Id(2)] string ReviewerId);

[GenerateSerializer, Immutable, Alias("floorpay.AppealView")]
public sealed record AppealView(
    [property: Id(0)] string AppealId,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] string DecisionId,
    [property: Id(3)] string Ground,
    [property: Id(4)] string? EvidenceReference,
    [property: Id(5)] string FiledBy,
    [property: Id(6)] DateTimeOffset FiledAt,
    [property: Id(7)] AppealOutcome? Outcome,
    [property: Id(8)] string? ResolutionReason,
    [property: Id(9)] string? ResolvedBy,
    [property: Id(10)] DateTimeOffset? ResolvedAt,
    [property: Id(11)] PayoutReceipt? CorrectivePayout,
    [property: Id(12)] string ReasonCode,
    [property: Id(13)] bool Replayed,
    [property: Id(14)] long CorrectionLimit = 0,
    [property: Id(15)] bool CorrectionAwaitsApproval = false,
    [property: Id(16)] string? CorrectionApprovedBy = null);
