namespace FloorPay.Grains;

[GenerateSerializer, Immutable, Alias("floorpay.RegionSummary")]
public sealed record RegionSummary(
    [property: Id(0)] string RegionId,
    [property: Id(1)] long EnrolledCount,
    [property: Id(2)] IReadOnlyList<PayoutTally> Payouts,
    [property: Id(3)] IReadOnlyDictionary<string, long> ContributionMinutes,
    [property: Id(4)] IReadOnlyDictionary<string, int> OpenOpportunities);
