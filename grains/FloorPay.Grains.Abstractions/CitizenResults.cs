namespace FloorPay.Grains;

[GenerateSerializer, Immutable, Alias("floorpay.EnrollResult")]
public sealed record EnrollResult(
    [property: Id(0)] string CitizenId,
    [property: Id(1)] string RegionId,
    [property: Id(2)] DateTimeOffset EnrolledAt,
    [property: Id(3)] PayoutReceipt FirstPayout,
    [property: Id(4)] bool Replayed);

[GenerateSerializer, Immutable, Alias("floorpay.ContributionReceipt")]
public sealed record ContributionReceipt(
    [property: Id(0)] string ContributionId,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] string Category,
    [property: Id(3)] int Minutes,
    [property: Id(4)] string Period,
    [property: Id(5)] string ReasonCode,
    [property: Id(6)] bool Replayed);

[GenerateSerializer, Immutable, Alias("floorpay.ExemptionReceipt")]
public sealed record ExemptionReceipt(
    [property: Id(0)] string ExemptionId,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] string Category,
    [property: Id(3)] string EvidenceReference,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] string ReasonCode,
    [property: Id(6)] bool Replayed);
