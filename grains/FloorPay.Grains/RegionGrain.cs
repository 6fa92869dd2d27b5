namespace FloorPay.Grains;

/// <summary>Aggregates of one region, fed asynchronously by <see cref="AggregateFeed"/>.</summary>
public sealed class RegionGrain(
    [PersistentState("region", StorageNames.State)] IPersistentState<RegionState> state) : Grain, IRegionGrain
{
    public async Task Apply(AggregateDelta delta)
    {
        var s = state.State;
        if (!PayoutTallies.FirstTime(s.AppliedSequences, delta)) return;
        s.EnrolledCount += delta.Enrollments;
        PayoutTallies.Merge(s.Payouts, delta.Payouts);
        foreach (var (category, minutes) in delta.ContributionMinutes)
            s.ContributionMinutes[category] = s.ContributionMinutes.GetValueOrDefault(category) + minutes;
        await state.WriteOrReloadAsync();
    }

    public async Task SetOpenOpportunities(string category, int count)
    {
        state.State.OpenOpportunities[category] = count;
        await state.WriteOrReloadAsync();
    }

    public Task<RegionSummary> GetSummary()
    {
        var s = state.State;
        return Task.FromResult(new RegionSummary(
            this.GetPrimaryKeyString(),
            s.EnrolledCount,
            s.Payouts.OrderBy(p => p.Period, StringComparer.Ordinal).ThenBy(p => p.Kind).ToList(),
            new Dictionary<string, long>(s.ContributionMinutes),
            new Dictionary<string, int>(s.OpenOpportunities)));
    }
}
