namespace FloorPay.Grains;

/// <summary>
/// Aggregates of one region: payouts and enrollments read from the ledger's own tallies (exact, never lost with a
/// silo), contribution minutes fed asynchronously by <see cref="AggregateFeed"/>.
/// </summary>
public sealed class RegionGrain(
    [PersistentState("region", StorageNames.State)] IPersistentState<RegionState> state,
    ILedgerTallies tallies) : Grain, IRegionGrain
{
    public async Task Apply(AggregateDelta delta)
    {
        var s = state.State;
        if (!AppliedDeltas.FirstTime(s.AppliedSequences, delta)) return;
        foreach (var (category, minutes) in delta.ContributionMinutes)
            s.ContributionMinutes[category] = s.ContributionMinutes.GetValueOrDefault(category) + minutes;
        await state.WriteOrReloadAsync();
    }

    public async Task SetOpenOpportunities(string category, int count)
    {
        state.State.OpenOpportunities[category] = count;
        await state.WriteOrReloadAsync();
    }

    public async Task<RegionSummary> GetSummary()
    {
        var s = state.State;
        var ledger = await tallies.ReadRegionAsync(this.GetPrimaryKeyString());
        return new RegionSummary(
            this.GetPrimaryKeyString(),
            ledger.Enrollments,
            ledger.Payouts.OrderBy(p => p.Period, StringComparer.Ordinal).ThenBy(p => p.Kind).ToList(),
            new Dictionary<string, long>(s.ContributionMinutes),
            new Dictionary<string, int>(s.OpenOpportunities));
    }
}
