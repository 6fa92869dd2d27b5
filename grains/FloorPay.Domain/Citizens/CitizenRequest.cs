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
