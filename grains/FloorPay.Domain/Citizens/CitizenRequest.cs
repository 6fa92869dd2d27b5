namespace FloorPay.Domain.Citizens;

/// <summary>
/// A request one citizen's decisions answer. <see cref="Scope"/> is the idempotency scope: the calling participant (a
/// bank's id), or this system's own scope for calls no participant made.
/// </summary>
public abstract record CitizenRequest(string Scope, string IdempotencyKey);

/// <summary>Enroll with a payout account at <paramref name="BankId"/>; priced at <paramref name="PricedAt"/> when an envelope fixed it.</summary>
public sealed record EnrollmentRequest(string Scope, string IdempotencyKey, string ActingBankId, string RegionId, string BankId, string AccountToken,
    DateTimeOffset? PricedAt) : CitizenRequest(Scope, IdempotencyKey);

/// <summary>The floor for <paramref name="Period"/> as the caller wrote it (empty: <paramref name="DefaultPeriod"/>, else the current one).</summary>
public sealed record FloorPayoutRequest(string Scope, string IdempotencyKey, string? ActingBankId, string? Period, string? DefaultPeriod)
    : CitizenRequest(Scope, IdempotencyKey);

/// <summary>Every dividend accrued since the last claim (or the enrollment).</summary>
public sealed record DividendClaimRequest(string Scope, string IdempotencyKey, string? ActingBankId) : CitizenRequest(Scope, IdempotencyKey);

/// <summary>Contribution minutes reported by a platform (the scope) for a period (empty: the current one).</summary>
public sealed record ContributionRequest(string Scope, string IdempotencyKey, string Category, int Minutes, string? Period, string PlatformId)
    : CitizenRequest(Scope, IdempotencyKey);

/// <summary>An exemption from the enumerated list, granted by a reviewer (the scope).</summary>
public sealed record ExemptionRequest(string Scope, string IdempotencyKey, string Category, string EvidenceReference, DateTimeOffset ExpiresAt,
    string ReviewerId) : CitizenRequest(Scope, IdempotencyKey);

/// <summary>An appeal against a recorded decision, filed by the citizen's bank or a reviewer.</summary>
public sealed record AppealRequest(string Scope, string IdempotencyKey, string? ActingBankId, string DecisionId, string Ground,
    string? EvidenceReference, string FiledBy) : CitizenRequest(Scope, IdempotencyKey);

/// <summary>A reviewer's resolution of an appeal, possibly ordering a corrective payment.</summary>
public sealed record ResolutionRequest(string Scope, string IdempotencyKey, string AppealId, AppealOutcome Outcome, string Reason,
    long CorrectiveAmount, string ReviewerId) : CitizenRequest(Scope, IdempotencyKey);

/// <summary>A second reviewer's approval of a correction above the limit one reviewer may order alone.</summary>
public sealed record ApprovalRequest(string Scope, string IdempotencyKey, string AppealId, string ReviewerId) : CitizenRequest(Scope, IdempotencyKey);

/// <summary>A bank moves the citizen's payouts to an account it holds (after the cooling-off).</summary>
public sealed record AccountChangeRequest(string Scope, string IdempotencyKey, string ActingBankId, string BankId, string AccountToken)
    : CitizenRequest(Scope, IdempotencyKey);

/// <summary>The bank holding the citizen's account releases the citizen to another bank, which may then claim it.</summary>
public sealed record ReleaseRequest(string Scope, string IdempotencyKey, string ActingBankId, string ToBankId) : CitizenRequest(Scope, IdempotencyKey);

/// <summary>
/// A bank returns an instruction it could not pay. It carries no idempotency key: the instruction names the request, and
/// a resend with the same reason answers as the first return did.
/// </summary>
public sealed record ReturnRequest(string ActingBankId, string InstructionId, string Reason) : CitizenRequest(ActingBankId, "");
