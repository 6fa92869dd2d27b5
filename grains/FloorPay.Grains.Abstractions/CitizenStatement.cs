namespace FloorPay.Grains;

/// <summary>Everything decided about one citizen, each decision with its reason code.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.CitizenStatement")]
public sealed record CitizenStatement(
    [property: Id(0)] string CitizenId,
    [property: Id(1)] string RegionId,
    [property: Id(2)] PayoutAccount Account,
    [property: Id(3)] DateTimeOffset EnrolledAt,
    [property: Id(4)] bool Active,
    [property: Id(5)] IReadOnlyList<PayoutReceipt> Payouts,
    [property: Id(6)] IReadOnlyList<ContributionPeriodSummary> Contributions,
    [property: Id(7)] IReadOnlyList<ExemptionReceipt> Exemptions,
    [property: Id(8)] long DividendsAccrued,
    [property: Id(9)] long DividendsPaid,
    [property: Id(10)] string Currency,
    [property: Id(11)] IReadOnlyList<AppealView> Appeals,
    [property: Id(12)] PendingAccountChange? PendingAccount,
    [property: Id(13)] bool AccountNeedsUpdate,
    [property: Id(14)] IReadOnlyList<InstructionStatus> Instructions);

/// <summary>Minutes recorded in one period, by category, against the published quota.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.ContributionPeriodSummary")]
public sealed record ContributionPeriodSummary(
    [property: Id(0)] string Period,
    [property: Id(1)] IReadOnlyDictionary<string, long> MinutesByCategory,
    [property: Id(2)] long TotalMinutes,
    [property: Id(3)] int QuotaMinutes,
    [property: Id(4)] string StandingReasonCode);
