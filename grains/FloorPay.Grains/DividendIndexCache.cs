namespace FloorPay.Grains;

/// <summary>
/// This silo's copy of the dividend declarations, so citizens never call the fund on their own operations.
/// Refreshed periodically while the silo is active, and at once by a declaration finalized on this silo. A stale copy
/// only delays accrual: <see cref="DividendIndex.AccruedSince"/> never counts a declaration the citizen is not eligible for.
/// </summary>
// Real time, not the silo's clock: tests move the calendar without wanting the refresh to race ahead.
public sealed class DividendIndexCache(IGrainFactory grains, ILogger<DividendIndexCache> log) : SiloLoop(log, TimeProvider.System)
{
    private volatile DividendIndex _snapshot = new();

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(2);

    public DividendIndex Snapshot => _snapshot;

    public void Update(IReadOnlyList<DividendPoint> points)
    {
        // Declarations only ever append, so the longer list is the newer one.
        if (points.Count >= _snapshot.Declarations.Count)
            _snapshot = new DividendIndex(points.Select(p => new DividendDeclaration(
                p.Sequence, p.DeclaredAt, p.Total, p.EligibleCount, p.PerCapita, p.Remainder, p.CumulativeIndex, p.EligibleBefore)));
    }

    public async Task RefreshAsync()
    {
        var fund = grains.GetGrain<IFundGrain>(IFundGrain.National);
        Update(await fund.GetDividendIndex());
        // The same periodic read feeds the fund's gauges (balance, runway) on this silo's /metrics.
        var summary = await fund.GetSummary();
        FloorPayMeters.SetFund(summary.Balance, summary.RunwayPeriods);
    }

    protected override TimeSpan Interval => RefreshInterval;

    // The fund grain may not be reachable yet while the cluster starts.
    protected override LogLevel FailureLevel => LogLevel.Debug;

    protected override Task RunOnceAsync(CancellationToken stopping) => RefreshAsync();
}
