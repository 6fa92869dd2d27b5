namespace FloorPay.Grains;

/// <summary>
/// The fast path for bank envelopes: decides and posts a whole envelope's ordinary items straight to the ledger in one
/// go, without activating a citizen grain per item. An item it cannot decide alone (a conflict, a replay, anything
/// unusual) comes back as null, and the caller runs it through the citizen grain, which gives the single call's answer.
/// </summary>
[Alias("floorpay.IBulkPostingGrain")]
public interface IBulkPostingGrain : IGrainWithIntegerKey
{
    [Alias("EnrollMany")]
    Task<IReadOnlyList<PayoutReceipt?>> EnrollMany(IReadOnlyList<CitizenEnrollment> items, DateTimeOffset pricedAt);

    [Alias("PayFloorMany")]
    Task<IReadOnlyList<PayoutReceipt?>> PayFloorMany(IReadOnlyList<CitizenFloorPayout> items);
}

[GenerateSerializer, Immutable, Alias("floorpay.CitizenEnrollment")]
public sealed record CitizenEnrollment([property: Id(0)] string CitizenId, [property: Id(1)] EnrollCommand Command);

[GenerateSerializer, Immutable, Alias("floorpay.CitizenFloorPayout")]
public sealed record CitizenFloorPayout([property: Id(0)] string CitizenId, [property: Id(1)] FloorPayoutCommand Command);
