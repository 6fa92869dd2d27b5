using FloorPay.V1;
using Grpc.Core;

namespace FloorPay.Silo.Tests;

/// <summary>
/// Failover drills on a real multi-process cluster against the test PostgreSQL: a silo killed with SIGKILL while
/// payouts flow, and PostgreSQL restarted while payouts flow. Afterwards every acknowledged payout is in the ledger
/// exactly once, region and fund aggregates equal the ledger, and the cluster serves again by itself.
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

    private async Task StartClusterAsync(int size, params string[] configuration)
    {
        var clusterId = $"drill-{Guid.NewGuid():N}"[..20];
        for (var i = 0; i < size; i++) _silos.Add(SiloProcess.Start(_storage.ConnectionString!, clusterId, _logs, configuration));
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
        // The aggregates too: the ledger counts payouts and enrollments in the committing transaction, so a killed silo
        // takes none of them with it.
        foreach (var name in new[] { "journal balances to zero", "every payout is posted in the journal", "no citizen is paid twice for a period",
                     "every acknowledged payout exists", "region aggregates equal the ledger", "fund aggregates equal the ledger" })
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
    public async Task A_subscriber_whose_silo_is_killed_mid_stream_resumes_elsewhere_and_receives_every_instruction()
    {
        await StartClusterAsync(3);
        var received = new System.Collections.Concurrent.ConcurrentQueue<PayoutInstruction>();
        using var stopSubscriber = new CancellationTokenSource();
        // The bank streams from silo 1 (about to be killed) and, on any error, resumes from its cursor on the next silo.
        var subscriber = Task.Run(async () =>
        {
            long cursor = 0;
            var next = 1;
            while (!stopSubscriber.IsCancellationRequested)
            {
                var silo = _silos[next % _silos.Count];
                if (!silo.Alive) { next++; continue; }
                try
                {
                    using var call = new Instructions.InstructionsClient(silo.Channel).SubscribeInstructions(
                        new SubscribeInstructionsRequest { AfterSequence = cursor }, new Metadata { { "authorization", "Bearer dev-bank-a" } },
                        cancellationToken: stopSubscriber.Token);
                    while (await call.ResponseStream.MoveNextInstruction(stopSubscriber.Token))
                    {
                        received.Enqueue(call.ResponseStream.Current.Instruction);
                        cursor = call.ResponseStream.Current.Instruction.Sequence;
                    }
                }
                catch (Exception) when (!stopSubscriber.IsCancellationRequested)
                {
                    next++;
                    await Task.Delay(500);
                }
                catch (Exception) { return; }
            }
        });

        var flow = new PayoutFlow(_silos);
        using var stop = new CancellationTokenSource();
        var running = flow.RunAsync(workers: 8, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var beforeKill = received.Count;
        _silos[1].Kill();
        await Task.Delay(TimeSpan.FromSeconds(30));
        stop.Cancel();
        await running;

        // Read the bank's whole outbox from a live silo, then wait for the stream to reach its end.
        var head = new List<PayoutInstruction>();
        var live = _silos.First(s => s.Alive);
        for (long after = 0; ;)
        {
            var page = await new Instructions.InstructionsClient(live.Channel).ListInstructionsAsync(
                new ListInstructionsRequest { AfterSequence = after, PageSize = 1000 }, new Metadata { { "authorization", "Bearer dev-bank-a" } });
            if (page.Instructions.Count == 0) break;
            head.AddRange(page.Instructions);
            after = page.NextAfterSequence;
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.Select(i => i.Sequence).DefaultIfEmpty(0).Max() < head.Count && DateTime.UtcNow < deadline) await Task.Delay(200);
        stopSubscriber.Cancel();
        await subscriber;

        Assert.True(beforeKill > 0, "the subscriber received nothing before the kill");
        var distinct = received.GroupBy(i => i.Sequence).Select(g => g.First()).OrderBy(i => i.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, head.Count).Select(i => (long)i), distinct.Select(i => i.Sequence));
        Assert.Equal(head.Select(i => i.InstructionId), distinct.Select(i => i.InstructionId));
        var delivered = distinct.Select(i => i.InstructionId).ToHashSet();
        Assert.All(flow.Acknowledged.Keys, id => Assert.Contains(id, delivered));
    }

    [Fact]
    public async Task A_subscriber_whose_silo_freezes_notices_the_missing_heartbeats_and_resumes_elsewhere_with_what_committed_meanwhile()
    {
        await StartClusterAsync(2, "--FloorPay:Instructions:HeartbeatInterval=00:00:01");
        var bank = new Metadata { { "authorization", "Bearer dev-bank-a" } };
        var head = 0L;
        for (var page = await ListAsync(_silos[1], head); page.Instructions.Count > 0; page = await ListAsync(_silos[1], head)) head = page.NextAfterSequence;

        using var stopAll = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        using var frozenCall = new Instructions.InstructionsClient(_silos[0].Channel).SubscribeInstructions(
            new SubscribeInstructionsRequest { AfterSequence = head }, bank, cancellationToken: stopAll.Token);
        Assert.True(await frozenCall.ResponseStream.MoveNext(stopAll.Token));
        Assert.Equal(head, frozenCall.ResponseStream.Current.Heartbeat.LatestSequence); // caught up, and alive

        _silos[0].Freeze();
        // Eight payouts commit through the other silo (citizens placed on the frozen one answer once it is declared dead).
        var paid = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var request = new EnrollRequest
            {
                IdempotencyKey = $"freeze-{i}-{Guid.NewGuid():N}", CitizenId = $"freeze-{i}-{Guid.NewGuid():N}", RegionId = "R-NORTH",
                PayoutAccount = new PayoutAccount { BankId = "bank-a", AccountToken = $"tok-{i}" },
            };
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    paid.Add((await new Citizens.CitizensClient(_silos[1].Channel).EnrollAsync(request, bank, deadline: DateTime.UtcNow.AddSeconds(5))).FirstPayout.PayoutId);
                    break;
                }
                catch (RpcException) when (attempt < 40) { await Task.Delay(500); }
            }
        }

        // The frozen silo's stream is silent: a bank that expects a heartbeat a second gives up after three.
        var heard = new List<InstructionStreamMessage>();
        using (var watchdog = CancellationTokenSource.CreateLinkedTokenSource(stopAll.Token))
        {
            watchdog.CancelAfter(TimeSpan.FromSeconds(3));
            try { while (await frozenCall.ResponseStream.MoveNext(watchdog.Token)) heard.Add(frozenCall.ResponseStream.Current); }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled) { }
            catch (OperationCanceledException) { }
        }
        Assert.DoesNotContain(heard, m => m.Instruction is not null && paid.Contains(m.Instruction.InstructionId));

        // Resumed from its cursor on the live silo, it gets all eight, then a heartbeat saying it has caught up.
        using var resumed = new Instructions.InstructionsClient(_silos[1].Channel).SubscribeInstructions(
            new SubscribeInstructionsRequest { AfterSequence = head }, bank, cancellationToken: stopAll.Token);
        var received = new List<PayoutInstruction>();
        StreamHeartbeat? caughtUp = null;
        while (caughtUp is null && await resumed.ResponseStream.MoveNext(stopAll.Token))
        {
            if (resumed.ResponseStream.Current.Instruction is { } instruction) received.Add(instruction);
            else if (received.Count >= paid.Count) caughtUp = resumed.ResponseStream.Current.Heartbeat;
        }
        Assert.Equal(paid.Order(), received.Select(i => i.InstructionId).Order());
        Assert.Equal(Enumerable.Range(1, paid.Count).Select(i => head + i), received.Select(i => i.Sequence));
        Assert.Equal(head + paid.Count, caughtUp!.SentSequence);
        _silos[0].Thaw();
    }

    /// <summary>One silo of the cluster, in today's time, enrolls <paramref name="count"/> citizens in one envelope and stops.</summary>
    private async Task<Policy> EnrollThisMonthAsync(string clusterId, int count, string prefix)
    {
        var bank = new Metadata { { "authorization", "Bearer dev-bank-a" } };
        var today = SiloProcess.Start(_storage.ConnectionString!, clusterId, _logs);
        _silos.Add(today);
        await today.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
        var policy = await new Policies.PoliciesClient(today.Channel).GetPolicyAsync(new GetPolicyRequest(), bank);
        var envelope = new EnrollEnvelope { EnvelopeId = $"{prefix}-drill", ControlCount = count };
        for (var i = 0; i < count; i++)
            envelope.Items.Add(new EnrollRequest
            {
                IdempotencyKey = $"{prefix}-{i}", CitizenId = $"{prefix}-{i}", RegionId = "R-NORTH",
                PayoutAccount = new PayoutAccount { BankId = "bank-a", AccountToken = $"tok-{prefix}-{i}" },
            });
        envelope.ControlAmount = new Money { MinorUnits = policy.FloorAmount.MinorUnits * count, Currency = policy.Currency };
        Assert.Equal(count, (await new Bulk.BulkClient(today.Channel).EnrollBatchAsync(envelope, bank)).Succeeded);
        await today.StopAsync();
        return policy;
    }

    private static async Task<ListInstructionsResponse> ListAsync(SiloProcess silo, long after) =>
        await new Instructions.InstructionsClient(silo.Channel).ListInstructionsAsync(new ListInstructionsRequest { AfterSequence = after, PageSize = 1000 },
            new Metadata { { "authorization", "Bearer dev-bank-a" } });

    [Fact]
    public async Task A_payday_run_whose_silo_is_killed_resumes_and_pays_every_citizen_exactly_once()
    {
        var clusterId = $"drill-{Guid.NewGuid():N}"[..20];
        var bank = new Metadata { { "authorization", "Bearer dev-bank-a" } };
        var treasury = new Metadata { { "authorization", "Bearer dev-treasury" } };
        // This month: 400 citizens enroll (each paid for this month at once).
        var policy = await EnrollThisMonthAsync(clusterId, 400, "pd");

        // A month later (drill clock): three silos; the run pays slowly, so that the kill lands in the middle of it.
        string[] nextMonth = ["--FloorPay:Clock:Offset=32.00:00:00", "--FloorPay:Payday:RatePerSecond=10", "--FloorPay:Payday:PageSize=10",
                              "--FloorPay:Payday:CheckInterval=00:00:01"];
        var month = Enumerable.Range(0, 3).Select(_ => SiloProcess.Start(_storage.ConnectionString!, clusterId, _logs, nextMonth)).ToList();
        _silos.AddRange(month);
        await Task.WhenAll(month.Select(s => s.WaitUntilServingAsync(TimeSpan.FromSeconds(120))));
        var period = (await new Policies.PoliciesClient(month[0].Channel).GetPolicyAsync(new GetPolicyRequest(), bank)).CurrentPeriod;
        Assert.NotEqual(policy.CurrentPeriod, period);

        async Task<PaydayRun?> RunOn(SiloProcess silo)
        {
            try { return await new PaydayRuns.PaydayRunsClient(silo.Channel).GetPaydayRunAsync(new GetPaydayRunRequest { Period = period }, treasury, deadline: DateTime.UtcNow.AddSeconds(10)); }
            catch (RpcException) { return null; } // grains of a silo just killed answer once it is declared dead
        }
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await RunOn(month[0]) is not { CitizensPaid: >= 20 } && DateTime.UtcNow < deadline) await Task.Delay(200);
        // Kill the silo that hosts the run (the one that logged its start: its output reaches the log file asynchronously).
        SiloProcess? host = null;
        for (deadline = DateTime.UtcNow.AddSeconds(20); host is null && DateTime.UtcNow < deadline; await Task.Delay(100))
            host = month.SingleOrDefault(s => s.Tail(10_000).Contains($"payday run {period} started"));
        Assert.True(host is not null, $"no silo logged the start of run {period}");
        var beforeKill = await RunOn(host);
        Assert.True(beforeKill is { Status: "RUNNING" }, $"the run should be half-way when its silo is killed: {beforeKill}\n{host.Tail()}");
        host.Kill();

        // The run resumes from its checkpoints on a surviving silo: nothing tells it to, the schedulers do. (Ask every
        // survivor: one may still be learning that the host is dead.)
        var survivors = month.Where(s => s.Alive).ToList();
        deadline = DateTime.UtcNow.AddSeconds(150);
        PaydayRun? after = null;
        SiloProcess c = survivors[0];
        while (after is not { Status: "COMPLETED" } && DateTime.UtcNow < deadline)
        {
            foreach (var survivor in survivors)
                if ((after = await RunOn(survivor)) is { Status: "COMPLETED" }) { c = survivor; break; }
            if (after is not { Status: "COMPLETED" }) await Task.Delay(500);
        }
        Assert.True(after is { Status: "COMPLETED" }, $"the run did not complete after the kill: {after}\n{c.Tail()}");
        Assert.True(after!.CitizensPaid + after.CitizensAlreadyPaid > beforeKill!.CitizensPaid, "the run went on after the kill");

        // The bank received exactly one floor instruction for the period per citizen, and the ledger agrees.
        var floors = new List<PayoutInstruction>();
        for (long cursor = 0; ;)
        {
            var page = await new Instructions.InstructionsClient(c.Channel).ListInstructionsAsync(new ListInstructionsRequest { AfterSequence = cursor, PageSize = 1000 }, bank);
            if (page.Instructions.Count == 0) break;
            floors.AddRange(page.Instructions.Where(i => i.Period == period && i.Kind == InstructionKind.Floor));
            cursor = page.NextAfterSequence;
        }
        Assert.Equal(400, floors.Count);
        Assert.Equal(400, floors.Select(i => i.CitizenId).Distinct().Count());
        Assert.True(after.CitizensPaid + after.CitizensAlreadyPaid >= 400, after.ToString());
        var report = await ReconcileChunkAsync(c, floors.Select(i => i.InstructionId));
        AssertLedgerHolds(report, 800);
    }

    [Fact]
    public async Task A_payday_run_whose_cluster_crashes_and_comes_back_in_the_next_period_finishes_by_itself()
    {
        var clusterId = $"drill-{Guid.NewGuid():N}"[..20];
        var bank = new Metadata { { "authorization", "Bearer dev-bank-a" } };
        var treasury = new Metadata { { "authorization", "Bearer dev-treasury" } };
        await EnrollThisMonthAsync(clusterId, 300, "bd");

        // Next month (drill clock): the run starts slowly on two silos (300 citizens at 10/s: half a minute, so that a
        // busy machine's slow start-up does not outlast it), and the whole cluster dies half-way.
        string[] nextMonth = ["--FloorPay:Clock:Offset=32.00:00:00", "--FloorPay:Payday:RatePerSecond=10", "--FloorPay:Payday:PageSize=10",
                              "--FloorPay:Payday:CheckInterval=00:00:01"];
        var month = Enumerable.Range(0, 2).Select(_ => SiloProcess.Start(_storage.ConnectionString!, clusterId, _logs, nextMonth)).ToList();
        _silos.AddRange(month);
        await Task.WhenAll(month.Select(s => s.WaitUntilServingAsync(TimeSpan.FromSeconds(120))));
        var period = (await new Policies.PoliciesClient(month[0].Channel).GetPolicyAsync(new GetPolicyRequest(), bank)).CurrentPeriod;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        PaydayRun? started = null;
        while (started is not { CitizensPaid: >= 20 } && DateTime.UtcNow < deadline)
        {
            try { started = await new PaydayRuns.PaydayRunsClient(month[0].Channel).GetPaydayRunAsync(new GetPaydayRunRequest { Period = period }, treasury); }
            catch (RpcException) { }
            await Task.Delay(200);
        }
        Assert.True(started is { Status: "RUNNING" }, $"the run should be under way when the cluster dies: {started}");
        foreach (var silo in month) silo.Kill();

        // The cluster comes back the month after, redeployed under a new cluster id (as a fresh deployment would be;
        // joining the old id would first wait for membership to declare both killed silos dead). Grain state belongs
        // to the service, so the run's checkpoints carry over. Nobody asks for the old run (reading its progress would
        // wake it): the bank's outbox shows the money arriving.
        string[] monthAfter = ["--FloorPay:Clock:Offset=63.00:00:00", "--FloorPay:Payday:CheckInterval=00:00:01"];
        var redeployed = $"drill-{Guid.NewGuid():N}"[..20];
        var back = Enumerable.Range(0, 2).Select(_ => SiloProcess.Start(_storage.ConnectionString!, redeployed, _logs, monthAfter)).ToList();
        _silos.AddRange(back);
        await Task.WhenAll(back.Select(s => s.WaitUntilServingAsync(TimeSpan.FromSeconds(120))));
        Assert.NotEqual(period, (await new Policies.PoliciesClient(back[0].Channel).GetPolicyAsync(new GetPolicyRequest(), bank)).CurrentPeriod);
        var floors = new List<PayoutInstruction>();
        deadline = DateTime.UtcNow.AddSeconds(120);
        while (floors.Count < 300 && DateTime.UtcNow < deadline)
        {
            floors.Clear();
            for (long cursor = 0; ;)
            {
                var page = await new Instructions.InstructionsClient(back[0].Channel).ListInstructionsAsync(
                    new ListInstructionsRequest { AfterSequence = cursor, PageSize = 1000 }, bank);
                if (page.Instructions.Count == 0) break;
                floors.AddRange(page.Instructions.Where(i => i.Period == period && i.Kind == InstructionKind.Floor));
                cursor = page.NextAfterSequence;
            }
            if (floors.Count < 300) await Task.Delay(1000);
        }
        Assert.Equal(300, floors.Select(i => i.CitizenId).Distinct().Count());
        Assert.Equal(300, floors.Count);
        // Its last checkpoint may lag the last payout by a step.
        PaydayRun run;
        deadline = DateTime.UtcNow.AddSeconds(30);
        do run = await new PaydayRuns.PaydayRunsClient(back[0].Channel).GetPaydayRunAsync(new GetPaydayRunRequest { Period = period }, treasury);
        while (run.Status != "COMPLETED" && DateTime.UtcNow < deadline && await Task.Delay(500).ContinueWith(_ => true));
        Assert.Equal(("COMPLETED", 300L), (run.Status, run.CitizensPaid + run.CitizensAlreadyPaid));
        Assert.Contains(back, s => s.Tail(10_000).Contains($"payday run {period} was left unfinished; resuming it"));
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
