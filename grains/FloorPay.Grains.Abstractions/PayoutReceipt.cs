namespace FloorPay.Grains;

/// <summary>A durably committed payout. <see cref="Replayed"/> is true when a resend returned the original result.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.PayoutReceipt")]
public sealed record PayoutReceipt(
    [property: Id(0)] string PayoutId,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] PayoutKind Kind,
    [property: Id(3)] string Period,
    [property: Id(4)] long Amount,
    [property: Id(5)] string Currency,
    [property: Id(6)] string ReasonCode,
    [property: Id(7)] DateTimeOffset PaidAt,
    [property: Id(8)] bool Replayed);
