namespace FloorPay.Grains;

/// <summary>Where a citizen is paid: a bank and an opaque token that only that bank can resolve (rule 10).</summary>
[GenerateSerializer, Immutable, Alias("floorpay.PayoutAccount")]
public sealed record PayoutAccount([property: Id(0)] string BankId, [property: Id(1)] string AccountToken);
