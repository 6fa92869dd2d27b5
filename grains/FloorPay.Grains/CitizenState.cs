namespace FloorPay.Grains;

/// <summary>
/// What a citizen keeps besides money: contributions, exemptions and the keys used for them. Payouts and the
/// enrollment are not here: they live in the payout ledger, the single durable record of money (one write per payout).
/// </summary>
[GenerateSerializer, Alias("floorpay.CitizenState")]
public sealed class CitizenState
{
    [Id(7)] public List<ContributionRecord> Contributions { get; set; } = [];
    [Id(8)] public List<ExemptionRecord> Exemptions { get; set; } = [];
    [Id(10)] public Dictionary<string, IdempotencyEntry> IdempotencyKeys { get; set; } = [];
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
