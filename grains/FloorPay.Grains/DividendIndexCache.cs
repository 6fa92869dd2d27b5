using FloorPay.Domain;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FloorPay.Grains;

/// <summary>
/// This silo's copy of the dividend declarations, so citizens never call the fund on their own operations.
/// Refreshed periodically and at once by a declaration made on this silo. A stale copy only delays accrual:
/// <see cref="DividendIndex.AccruedSince"/> never counts a declaration made before the citizen enrolled.
/// </summary>
public sealed class DividendIndexCache(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<DividendIndexCache> log) : BackgroundService
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

    public async Task RefreshAsync() => Update(await grains.GetGrain<IFundGrain>(IFundGrain.National).GetDividendIndex());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grains can be called only once the silo is up, which is before the host reports "started".
        if (!await HostStarted.WaitAsync(lifetime, stoppingToken)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await RefreshAsync(); }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested) { log.LogDebug(e, "dividend index refresh failed; retrying"); }
            try { await Task.Delay(RefreshInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
