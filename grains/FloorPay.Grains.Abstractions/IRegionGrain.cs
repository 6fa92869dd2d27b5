namespace FloorPay.Grains;

/// <summary>Aggregates of one region: payouts and enrollments as the ledger counts them, contributions fed in batches.</summary>
[Alias("floorpay.IRegionGrain")]
public interface IRegionGrain : IGrainWithStringKey
{
    [Alias("Apply")]
    Task Apply(AggregateDelta delta);

    /// <summary>Publishes how many contribution opportunities are open in a category (replaces the previous count).</summary>
    [Alias("SetOpenOpportunities")]
    Task SetOpenOpportunities(string category, int count);

    [Alias("GetSummary"), ReadOnly]
    Task<RegionSummary> GetSummary();
}
