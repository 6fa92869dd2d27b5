using System.Data.Common;
using FloorPay.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Grains.Tests;

/// <summary>
/// Rule 7 under a stalled commit: an enrollment stamped before a dividend's cutoff whose commit stalls past the grace
/// must either be counted in the dividend's eligible count or not be committed as eligible at all. Either way the
/// citizens together never accrue more than was declared. The stall is a lock held by the test on the store itself.
/// </summary>
public abstract class DividendSealContract : IAsyncLifetime
{
    private GrainCluster _cluster = null!;

    protected abstract StorageSettings Storage();

    /// <summary>Holds a lock that makes the ledger's next batch wait in the middle of its transaction (or at its start).</summary>
    protected abstract Task<IAsyncDisposable> StallCommitsAsync(StorageSettings storage);

    public async Task InitializeAsync() => _cluster = await GrainCluster.StartAsync(Storage(), silos: 1);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private ICitizenGrain Citizen(string id) => _cluster.Grains.Citizen(id);

    private static EnrollCommand Enroll(string key) => new(key, "R-NORTH", new PayoutAccount("bank-a", "tok"), "bank-a");

    [Fact]
    public async Task An_enrollment_whose_commit_stalls_past_the_count_never_makes_a_dividend_pay_more_than_declared()
    {
        const long total = 1_000_000;
        var fund = _cluster.Grains.GetGrain<IFundGrain>(IFundGrain.National);
        var early = $"early-{Guid.NewGuid():N}";
        await Citizen(early).Enroll(Enroll("e-1"));
        _cluster.Time.Advance(TimeSpan.FromMilliseconds(300));
        var command = new DeclareDividendCommand($"d-{Guid.NewGuid():N}", total);
        Assert.NotNull((await fund.RecordInflow(new InflowCommand($"i-{Guid.NewGuid():N}", "ai-dividend-levy", total, "levy"))).Value);
        var pending = (await fund.DeclareDividend(command)).Value!;

        var stalled = $"stalled-{Guid.NewGuid():N}";
        Task<Outcome<EnrollResult>> enrolling;
        Task<Outcome<DividendReceipt>> finalizing;
        await using (await StallCommitsAsync(_cluster.Storage))
        {
            // Stamped now, before the cutoff; its batch waits on the stall.
            enrolling = Citizen(stalled).Enroll(Enroll("s-1"));
            await Task.Delay(500);
            _cluster.Time.Advance(pending.FinalizesAt - _cluster.Time.GetUtcNow());
            finalizing = fund.DeclareDividend(command);
            await Task.Delay(1_000);
        }
        var declared = (await finalizing).Value!;
        Assert.True(declared.Final);

        // The stalled enrollment either committed (then it was counted) or was refused as retryable; a client resends.
        EnrollResult enrolled;
        try { enrolled = (await enrolling).Value!; }
        catch (LedgerUnavailableException) { enrolled = (await Citizen(stalled).Enroll(Enroll("s-1"))).Value!; }

        await _cluster.RefreshDividendsAsync();
        var accrued = 0L;
        foreach (var id in new[] { early, stalled })
            accrued += (await Citizen(id).GetStatement(new StatementQuery(null))).Value!.DividendsAccrued;
        Assert.True(accrued <= total, $"citizens accrued {accrued} of a dividend of {total}");
        var eligibleStalled = enrolled.EnrolledAt < declared.EligibleBefore;
        Assert.Equal(eligibleStalled ? 2 : 1, declared.EligibleCount);
        var audit = _cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<ILedgerAudit>();
        Assert.Equal(declared.EligibleCount, await audit.CountEnrollmentsBeforeAsync(declared.EligibleBefore));
    }

    [Fact]
    public async Task An_enrollment_stamped_before_a_period_whose_commit_stalls_past_the_payday_runs_start_is_paid_that_period_once()
    {
        // Just before the period ends.
        var next = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        _cluster.Time.Advance(next - TimeSpan.FromMilliseconds(500) - _cluster.Time.GetUtcNow());
        var late = $"late-{Guid.NewGuid():N}";
        Task<Outcome<EnrollResult>> enrolling;
        Task<PaydayProgress> starting;
        var run = _cluster.Grains.GetGrain<IPaydayRunGrain>("2026-12");
        await using (await StallCommitsAsync(_cluster.Storage))
        {
            enrolling = Citizen(late).Enroll(Enroll("late-1")); // stamped in November; its batch waits on the stall
            await Task.Delay(500);
            _cluster.Time.Advance(TimeSpan.FromSeconds(1));
            starting = run.EnsureRunning();
            // Give the run every chance to read all its pages while the enrollment is still stalled.
            for (var i = 0; i < 20; i++)
            {
                _cluster.Time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(50);
            }
        }
        await starting;
        try { await enrolling; }
        catch (LedgerUnavailableException) { Assert.Null((await Citizen(late).Enroll(Enroll("late-1"))).Rejection); }

        // The run's steps are grain timers on the cluster's (fake) clock: move it along while waiting.
        for (var i = 0; i < 600 && (await run.GetProgress()).Status != PaydayStatus.Completed; i++)
        {
            _cluster.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }
        var progress = await run.GetProgress();
        Assert.True(progress.Status == PaydayStatus.Completed, progress.ToString());
        var payouts = (await Citizen(late).GetStatement(new StatementQuery(null))).Value!.Payouts;
        // December is paid exactly once: by the run (enrolled in November) or at enrollment (resent in December).
        Assert.Single(payouts, p => p.Period == "2026-12");
        Assert.All(payouts, p => Assert.Equal(PayoutKind.Floor, p.Kind));
    }
}

public sealed class DividendSealOnSqlite : DividendSealContract
{
    protected override StorageSettings Storage() => GrainCluster.Sqlite();

    protected override async Task<IAsyncDisposable> StallCommitsAsync(StorageSettings storage)
    {
        // SQLite has one writer: holding its write lock stalls every batch at BEGIN.
        var connection = new SqliteConnection(storage.EffectiveConnectionString);
        await connection.OpenAsync();
        var tx = (DbTransaction)await connection.BeginTransactionAsync();
        return new Held(connection, tx);
    }
}

public sealed class DividendSealOnPostgres : DividendSealContract
{
    protected override StorageSettings Storage() => GrainCluster.Postgres();

    protected override async Task<IAsyncDisposable> StallCommitsAsync(StorageSettings storage)
    {
        // A batch writes its payouts, then waits for its banks' sequence rows: it stalls holding uncommitted payouts.
        var connection = new Npgsql.NpgsqlConnection(storage.EffectiveConnectionString);
        await connection.OpenAsync();
        var tx = (DbTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = (Npgsql.NpgsqlTransaction)tx;
        command.CommandText = "LOCK TABLE floorpay_bank_sequences IN EXCLUSIVE MODE";
        await command.ExecuteNonQueryAsync();
        return new Held(connection, tx);
    }
}

internal sealed class Held(DbConnection connection, DbTransaction tx) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await tx.RollbackAsync();
        await connection.DisposeAsync();
    }
}
