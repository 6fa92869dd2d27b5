namespace FloorPay.Grains;

/// <summary>
/// A batch of contribution minutes for one region, fed asynchronously from the citizens of one silo.
/// (FeedId, Sequence) lets the receiver apply each batch once even when a send is retried.
/// Payouts and enrollments are not fed: the ledger counts them itself (ids 2 and 3 carried them once).
/// </summary>
[GenerateSerializer, Immutable, Alias("floorpay.AggregateDelta")]
public sealed record AggregateDelta(
    [property: Id(0)] string FeedId,
    [property: Id(1)] long Sequence,
    [property: Id(4)] IReadOnlyDictionary<string, long> ContributionMinutes);

/// <summary>Count and amount of payouts of one kind in one period.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.PayoutTally")]
public sealed record PayoutTally(
    [property: Id(0)] PayoutKind Kind,
    [property: Id(1)] string Period,
    [property: Id(2)] long Count,
    [property: Id(3)] long Amount);
