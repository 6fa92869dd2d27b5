namespace FloorPay.Grains;

[GenerateSerializer, Alias("floorpay.RegionState")]
public sealed class RegionState
{
    // Ids 0 and 1 held fed payout and enrollment counts; the ledger keeps those now (ILedgerTallies).
    [Id(2)] public Dictionary<string, long> ContributionMinutes { get; set; } = [];
    [Id(3)] public Dictionary<string, int> OpenOpportunities { get; set; } = [];

    /// <summary>Highest delta sequence applied per feed: a retried delta is applied once.</summary>
    [Id(4)] public Dictionary<string, long> AppliedSequences { get; set; } = [];
}
