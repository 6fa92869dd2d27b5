namespace FloorPay.Grains;

[GenerateSerializer, Alias("floorpay.CitizenState")]
public sealed class CitizenState
{
    [Id(0)] public bool Enrolled { get; set; }
    [Id(1)] public string RegionId { get; set; } = "";
    [Id(2)] public PayoutAccount? Account { get; set; }
    [Id(3)] public DateTimeOffset EnrolledAt { get; set; }
    [Id(4)] public string EnrollmentPeriod { get; set; } = "";
    [Id(5)] public bool Active { get; set; }
    [Id(6)] public List<PayoutRecord> Payouts { get; set; } = [];
    [Id(7)] public List<ContributionRecord> Contributions { get; set; } = [];
    [Id(8)] public List<ExemptionRecord> Exemptions { get; set; } = [];

    /// <summary>The dividend index value this citizen last settled at (0 = only its enrollment instant counts).</summary>
    [Id(9)] public long DividendSettledIndex { get; set; }
    [Id(10)] public Dictionary<string, IdempotencyEntry> IdempotencyKeys { get; set; } = [];
    [Id(11)] public string EnrollmentKey { get; set; } = "";
}

[GenerateSerializer, Alias("floorpay.PayoutRecord")]
public sealed class PayoutRecord
{
    [Id(0)] public string PayoutId { get; set; } = "";
    [Id(1)] public PayoutKind Kind { get; set; }
    [Id(2)] public string Period { get; set; } = "";
    [Id(3)] public long Amount { get; set; }
    [Id(4)] public string Currency { get; set; } = "";
    [Id(5)] public string ReasonCode { get; set; } = "";
    [Id(6)] public DateTimeOffset PaidAt { get; set; }
}

[GenerateSerializer, Alias("floorpay.ContributionRecord")]
public sealed class ContributionRecord
{
    [Id(0)] public string ContributionId { get; set; } = "";
    [Id(1)] public string Category { get; set; } = "";
    [Id(2)] public int Minutes { get; set; }
    [Id(3)] public string Period { get; set; } = "";
    [Id(4)] public string PlatformId { get; set; } = "";
    [Id(5)] public string ReasonCode { get; set; } = "";
    [Id(6)] public DateTimeOffset RecordedAt { get; set; }
}

[GenerateSerializer, Alias("floorpay.ExemptionRecord")]
public sealed class ExemptionRecord
{
    [Id(0)] public string ExemptionId { get; set; } = "";
    [Id(1)] public string Category { get; set; } = "";
    [Id(2)] public string EvidenceReference { get; set; } = "";
    [Id(3)] public DateTimeOffset GrantedAt { get; set; }
    [Id(4)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(5)] public string ReviewerId { get; set; } = "";
    [Id(6)] public string ReasonCode { get; set; } = "";
}
