namespace FloorPay.Grains;

// Every mutating command carries the caller's idempotency key (rule 4) and, for banks, the caller's bank id,
// so that the citizen grain itself enforces "a bank acts only for its own account holders" (rule 11).

[GenerateSerializer, Immutable, Alias("floorpay.EnrollCommand")]
public sealed record EnrollCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string RegionId,
    [property: Id(2)] PayoutAccount Account,
    [property: Id(3)] string ActingBankId,
    // The instant an envelope was priced at (its control totals were checked against it); now when absent. The ledger
    // still refuses a stamp that went stale, retryably.
    [property: Id(4)] DateTimeOffset? PricedAt = null);

[GenerateSerializer, Immutable, Alias("floorpay.FloorPayoutCommand")]
public sealed record FloorPayoutCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string? Period,
    [property: Id(2)] string ActingBankId,
    // What an empty Period means: the current period when absent; an envelope fixes it when its totals are checked.
    [property: Id(3)] string? DefaultPeriod = null);

[GenerateSerializer, Immutable, Alias("floorpay.ClaimDividendsCommand")]
public sealed record ClaimDividendsCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string ActingBankId);

[GenerateSerializer, Immutable, Alias("floorpay.ContributionCommand")]
public sealed record ContributionCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string Category,
    [property: Id(2)] int Minutes,
    [property: Id(3)] string? Period,
    [property: Id(4)] string PlatformId);

[GenerateSerializer, Immutable, Alias("floorpay.ExemptionCommand")]
public sealed record ExemptionCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string Category,
    [property: Id(2)] string EvidenceReference,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] string ReviewerId);

/// <summary>Who is reading a statement: a bank may read only its own account holders', a reviewer any.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.StatementQuery")]
public sealed record StatementQuery([property: Id(0)] string? ActingBankId);
