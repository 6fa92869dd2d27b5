namespace FloorPay.Grains;

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
