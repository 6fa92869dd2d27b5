namespace FloorPay.Grains;

public enum InstructionKind
{
    Floor = 1,
    Dividend = 2,
    Correction = 3,

    /// <summary>No money: tells a bank that a citizen's payouts are moving to another account (the fraud path).</summary>
    Notice = 4,
}

/// <summary>
/// What a bank must do for one payout, as its outbox records it. Only what the bank needs (rule 10): no name, no region.
/// <see cref="Sequence"/> numbers a bank's instructions 1, 2, 3… in commit order, without gaps: a bank's cursor.
/// </summary>
[GenerateSerializer, Immutable, Alias("floorpay.PayoutInstruction")]
public sealed record PayoutInstruction(
    [property: Id(0)] string InstructionId,
    [property: Id(1)] string BankId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] InstructionKind Kind,
    [property: Id(4)] string? PayoutId,
    [property: Id(5)] string CitizenId,
    [property: Id(6)] string AccountToken,
    [property: Id(7)] long Amount,
    [property: Id(8)] string Currency,
    [property: Id(9)] string Period,
    [property: Id(10)] string ReasonCode,
    [property: Id(11)] string? ReissueOf,
    [property: Id(12)] DateTimeOffset IssuedAt);

public enum InstructionOutcome
{
    Settled = 1,
    Returned = 2,
}

/// <summary>What a bank reported for one instruction: settled, or returned with a reason. At most one per instruction.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.InstructionOutcomeRecord")]
public sealed record InstructionOutcomeRecord(
    [property: Id(0)] string InstructionId,
    [property: Id(1)] string BankId,
    [property: Id(2)] string CitizenId,
    [property: Id(3)] InstructionOutcome Outcome,
    [property: Id(4)] string Reason,
    [property: Id(5)] long Amount,
    [property: Id(6)] DateTimeOffset RecordedAt);
