using FloorPay.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Grains.Tests;

/// <summary>
/// Two clusters on one store, each with its own activation of the same citizen (as during a membership change, or a
/// stale activation after a lost answer): a dividend claim must never cover a part of the index another claim covered.
/// </summary>
public abstract class DividendClaimContract : IAsyncLifetime
{
    private GrainCluster _a = null!;
    private GrainCluster _b = null!;

    protected abstract StorageSettings Storage();

    public async Task InitializeAsync()
    {
        var storage = Storage();
        _a = await GrainCluster.StartAsync(storage, silos: 1);
        _b = await GrainCluster.StartAsync(storage, silos: 1, serviceId: _a.ServiceId);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    private async Task<DividendReceipt> DeclareAndFinalizeAsync(long total)
    {
        var fund = _a.Grains.GetGrain<IFundGrain>(IFundGrain.National);
        var command = new DeclareDividendCommand($"d-{Guid.NewGuid():N}", total);
        Assert.NotNull((await fund.RecordInflow(new InflowCommand($"i-{Guid.NewGuid():N}", "ai-dividend-levy", total, "levy"))).Value);
        var pending = (await fund.DeclareDividend(command)).Value!;
        _a.Time.Advance(pending.FinalizesAt - _a.Time.GetUtcNow() + TimeSpan.FromMilliseconds(1));
        var declared = (await fund.DeclareDividend(command)).Value!;
        Assert.True(declared.Final);
        // Both clusters' citizens read the same declarations (cluster B's own fund activation may hold an older copy).
        var points = await fund.GetDividendIndex();
        foreach (var silo in _a.Cluster.Silos.Concat(_b.Cluster.Silos))
            silo.ServiceProvider.GetRequiredService<DividendIndexCache>().Update(points);
        return declared;
    }

    [Fact]
    public async Task A_stale_activation_cannot_claim_an_overlapping_range_of_the_index_under_a_new_key()
    {
        var id = $"div-{Guid.NewGuid():N}";
        await _a.Grains.Citizen(id).Enroll(new EnrollCommand("enroll", "R-NORTH", new PayoutAccount("bank-a", "tok"), "bank-a"));
        _a.Time.Advance(TimeSpan.FromSeconds(2));
        // Cluster B activates the citizen now and never hears of what cluster A pays next.
        Assert.Null((await _b.Grains.Citizen(id).GetStatement(new StatementQuery(null))).Rejection);

        var first = await DeclareAndFinalizeAsync(1_000_000);
        var claimA = (await _a.Grains.Citizen(id).ClaimDividends(new ClaimDividendsCommand("claim-a", "bank-a"))).Value!;
        Assert.Equal(first.PerCapita, claimA.Amount);

        _a.Time.Advance(TimeSpan.FromSeconds(2));
        var second = await DeclareAndFinalizeAsync(3_000_000);
        var entitled = first.PerCapita + second.PerCapita;

        var claimB = await _b.Grains.Citizen(id).ClaimDividends(new ClaimDividendsCommand("claim-b", "bank-a"));
        Assert.Null(claimB.Rejection);
        Assert.Equal(second.PerCapita, claimB.Value!.Amount);
        Assert.Equal(RejectionKind.FailedPrecondition,
            (await _a.Grains.Citizen(id).ClaimDividends(new ClaimDividendsCommand("claim-c", "bank-a"))).Rejection?.Kind);

        var history = await _a.Cluster.Silos[0].ServiceProvider.GetRequiredService<IPayoutLedger>().ReadHistoryAsync(id);
        Assert.Equal(entitled, history.Of<PayoutPosting>().Where(p => p.Kind == PayoutKind.Dividend).Sum(p => p.Amount));
    }
}

public sealed class DividendClaimsOnSqlite : DividendClaimContract
{
    protected override StorageSettings Storage() => GrainCluster.Sqlite();
}

public sealed class DividendClaimsOnPostgres : DividendClaimContract
{
    protected override StorageSettings Storage() => GrainCluster.Postgres();
}
