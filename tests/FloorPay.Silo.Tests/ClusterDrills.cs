using FloorPay.Silo.Storage;
using FloorPay.V1;
using Grpc.Core;

namespace FloorPay.Silo.Tests;

/// <summary>
/// Failover drills on a real multi-process cluster against the test PostgreSQL: a silo killed with SIGKILL while
/// payouts flow, and PostgreSQL restarted while payouts flow. Afterwards every acknowledged payout is in the ledger
/// exactly once, and the cluster serves again by itself.
/// </summary>
[Collection(ClusterDrillCollection.Name)]
public sealed class ClusterDrills : IAsyncLifetime
{
    private readonly List<SiloProcess> _silos = [];
    private readonly string _logs = Directory.CreateTempSubdirectory("floorpay-drill-").FullName;
    private StorageSettings _storage = null!;

    public async Task InitializeAsync() => _storage = await TestStores.FreshAsync(StorageProvider.PostgreSql);

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos) await silo.DisposeAsync();
    }

    private async Task StartClusterAsync(int size)
    {
        var clusterId = $"drill-{Guid.NewGuid():N}"[..20];
        for (var i = 0; i < size; i++) _silos.Add(SiloProcess.Start(_storage.ConnectionString!, clusterId, _logs));
        foreach (var silo in _silos) await silo.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>Reconciles once per chunk of at most 10,000 acknowledged ids (the API's limit).</summary>
    private async Task<List<ReconciliationReport>> ReconcileAsync(SiloProcess silo, IEnumerable<string> acknowledged)
    {
        var reports = new List<ReconciliationReport>();
        foreach (var chunk in acknowledged.Chunk(10_000)) reports.Add(await ReconcileChunkAsync(silo, chunk));
        return reports;
    }

    private async Task<ReconciliationReport> ReconcileChunkAsync(SiloProcess silo, IEnumerable<string> acknowledged)
    {
        var request = new ReconcileRequest();
        request.AcknowledgedPayoutIds.AddRange(acknowledged);
        // Right after a crash, grains that lived on the dead silo answer only once it is declared dead: retry.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await new Audit.AuditClient(silo.Channel).ReconcileAsync(request,
                    new Metadata { { "authorization", "Bearer dev-auditor" } }, deadline: DateTime.UtcNow.AddSeconds(30));
            }
            catch (RpcException) when (attempt < 10)
            {
                await Task.Delay(3000);
            }
        }
    }

    private static void AssertLedgerHolds(List<ReconciliationReport> reports, int acknowledged)
    {
        Assert.NotEmpty(reports);
        foreach (var report in reports) AssertLedgerHolds(report, acknowledged);
    }

    private static void AssertLedgerHolds(ReconciliationReport report, int acknowledged)
    {
        string Explain() => string.Join("\n", report.Checks.Select(c => $"{c.Name}: {(c.Passed ? "ok" : "FAILED")} {c.Detail}"));
        foreach (var name in new[] { "journal balances to zero", "every payout is posted in the journal", "no citizen is paid twice for a period", "every acknowledged payout exists" })
            Assert.True(report.Checks.Single(c => c.Name == name).Passed, Explain());
        Assert.True(report.Payouts >= acknowledged, Explain());
    }

    [Fact]
    public async Task Killing_one_silo_of_three_while_payouts_flow_loses_nothing_and_the_cluster_keeps_serving()
    {
        await StartClusterAsync(3);
        var flow = new PayoutFlow(_silos);
        using var stop = new CancellationTokenSource();
        var running = flow.RunAsync(workers: 8, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(4));
        var beforeKill = flow.Acknowledged.Count;
        _silos[1].Kill();
        var killedAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(40)); // failure detection, then normal service
        stop.Cancel();
        await running;

        Assert.True(beforeKill > 0, "nothing was paid before the kill");
        var lateSuccesses = flow.Successes.Count(t => t > killedAt.AddSeconds(30));
        Assert.True(lateSuccesses > 0, $"no payout acknowledged in the last 10 s after the kill; failures: " +
            string.Join(", ", flow.Failures.GroupBy(f => f.Status).Select(g => $"{g.Key}×{g.Count()}")) + $"\n{_silos[0].Tail()}");

        var report = await ReconcileAsync(_silos[0], flow.Acknowledged.Keys);
        AssertLedgerHolds(report, flow.Acknowledged.Count);
    }

    [Fact]
    public async Task Restarting_postgresql_while_payouts_flow_gives_fast_unavailable_and_service_resumes_by_itself()
    {
        var restart = Environment.GetEnvironmentVariable("FLOORPAY_TEST_PG_RESTART")
            ?? throw new InvalidOperationException("FLOORPAY_TEST_PG_RESTART is not set: this drill restarts the throwaway PostgreSQL of ./scripts/test.sh");
        await StartClusterAsync(2);
        var flow = new PayoutFlow(_silos) { Deadline = TimeSpan.FromSeconds(10) };
        using var stop = new CancellationTokenSource();
        var running = flow.RunAsync(workers: 4, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(3));
        var restartedAt = DateTime.UtcNow;
        using (var pgCtl = System.Diagnostics.Process.Start("bash", ["-c", restart]))
        {
            await pgCtl.WaitForExitAsync();
            Assert.Equal(0, pgCtl.ExitCode);
        }
        await Task.Delay(TimeSpan.FromSeconds(15));
        stop.Cancel();
        await running;

        var failures = flow.Failures.ToList();
        var statuses = string.Join(", ", failures.GroupBy(f => f.Status).Select(g => $"{g.Key}×{g.Count()}"));
        Assert.DoesNotContain(failures, f => f.Status is StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown);
        Assert.All(failures, f => Assert.True(f.Took < TimeSpan.FromSeconds(6), $"a failure took {f.Took} ({f.Status}); all: {statuses}"));
        Assert.True(flow.Successes.Count(t => t > restartedAt.AddSeconds(8)) > 0, $"service did not resume; failures: {statuses}\n{_silos[0].Tail()}");

        var report = await ReconcileAsync(_silos[0], flow.Acknowledged.Keys);
        AssertLedgerHolds(report, flow.Acknowledged.Count);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterDrillCollection
{
    public const string Name = "cluster drills (real processes)";
}
