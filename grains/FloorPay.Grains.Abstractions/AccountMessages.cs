namespace FloorPay.Grains;

/// <summary>
/// Moves a citizen's payouts to another account; the acting bank must hold the new account, and either hold the citizen's
/// account now or have been released the citizen by the bank that does.
/// </summary>
[GenerateSerializer, Immutable, Alias("floorpay.ChangeAccountCommand")]
public sealed record ChangeAccountCommand(
    [property: Id(0)] PayoutAccount Account,
    [property: Id(1)] string IdempotencyKey,
    [property: Id(2)] string ActingBankId);

/// <summary>A recorded account change: payouts go to <see cref="Account"/> from <see cref="EffectiveAt"/> (after the cooling-off).</summary>
[GenerateSerializer, Immutable, Alias("floorpay.AccountChangeReceipt")]
public sealed record AccountChangeReceipt(
    [property: Id(0)] string ChangeId,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] PayoutAccount Account,
    [property: Id(3)] PayoutAccount Previous,
    [property: Id(4)] DateTimeOffset RequestedAt,
    [property: Id(5)] DateTimeOffset EffectiveAt,
    [property: Id(6)] string NoticeInstructionId,
    [property: Id(7)] bool FraudFlagRaised,
    [property: Id(8)] bool Replayed);

/// <summary>The bank holding a citizen's payout account releases the citizen to another bank, which may then claim it.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.ReleaseAccountCommand")]
public sealed record ReleaseAccountCommand(
    [property: Id(0)] string ToBankId,
    [property: Id(1)] string IdempotencyKey,
    [property: Id(2)] string ActingBankId);

[GenerateSerializer, Immutable, Alias("floorpay.AccountReleaseReceipt")]
public sealed record AccountReleaseReceipt(
    [property: Id(0)] string ReleaseId,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] string FromBankId,
    [property: Id(3)] string ToBankId,
    [property: Id(4)] DateTimeOffset ReleasedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] bool Replayed);

/// <summary>A bank returns a payout instruction it could not credit.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.ReturnCommand")]
public sealed record ReturnCommand(
    [property: Id(0)] string InstructionId,
    [property: Id(1)] string Reason,
    [property: Id(2)] string ActingBankId);

[GenerateSerializer, Immutable, Alias("floorpay.ReturnReceipt")]
public sealed record ReturnReceipt(
    [property: Id(0)] string InstructionId,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset RecordedAt,
    [property: Id(4)] bool AccountNeedsUpdate,
    [property: Id(5)] bool Replayed);

/// <summary>One instruction on a citizen's statement, with what its bank reported.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.InstructionStatus")]
public sealed record InstructionStatus(
    [property: Id(0)] string InstructionId,
    [property: Id(1)] InstructionKind Kind,
    [property: Id(2)] string? PayoutId,
    [property: Id(3)] string BankId,
    [property: Id(4)] long Amount,
    [property: Id(5)] string? ReissueOf,
    [property: Id(6)] InstructionOutcome? Outcome,
    [property: Id(7)] string? ReturnReason);

/// <summary>An account change waiting for its cooling-off to end.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.PendingAccountChange")]
public sealed record PendingAccountChange(
    [property: Id(0)] PayoutAccount Account,
    [property: Id(1)] DateTimeOffset EffectiveAt);
