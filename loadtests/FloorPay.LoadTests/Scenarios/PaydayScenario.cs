using FloorPay.V1;

namespace FloorPay.LoadTests.Scenarios;

/// <summary>
/// Payday: a population enrolled in an earlier period, that period's successor's payday run, and meanwhile a flood of
/// statement reads (citizens checking they were paid) and run-status checks (operators watching the run).
/// With --local the node is restarted on a drill clock moved into the next period, so the run pays everyone; against
/// a remote target the run is started for its current period and pays whoever was enrolled before it.
/// </summary>
public static class PaydayScenario
{
    public static Scenario Create(FloorPayTarget target, ScenarioParameters p)
    {
        var population = (int)p.Number("citizens", 20_000);
        var clockOffset = TimeSpan.FromDays(p.Number("clock-offset-days", 32));
        var runTimeout = TimeSpan.FromSeconds(p.Number("run-timeout-s", 600));
        var citizens = new Citizens.CitizensClient(target.Channel);
        var runs = new PaydayRuns.PaydayRunsClient(target.Channel);
        var enrolled = new List<string>();
        var period = "";
        var random = new Random(17);

        var statement = new Step("statement", async (context, cancellation) =>
        {
            string citizen;
            lock (random) citizen = enrolled[random.Next(enrolled.Count)];
            try
            {
                await citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizen }, target.Bank,
                    deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellation);
                return StepOutcome.Success;
            }
            catch (RpcException e) { return FloorPayTarget.Outcome(e); }
        });
        var status = new Step("run-status", async (context, cancellation) =>
        {
            try
            {
                await runs.GetPaydayRunAsync(new GetPaydayRunRequest { Period = period }, target.Treasury,
                    deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellation);
                return StepOutcome.Success;
            }
            catch (RpcException e) { return FloorPayTarget.Outcome(e); }
        });

        return new Scenario("payday", [statement, status])
        {
            Setup = async cancellation =>
            {
                enrolled.AddRange(await EnrollPopulationAsync(target, population, cancellation));
                if (target.Local is { } local)
                {
                    Console.Error.WriteLine($"payday: restarting the local node with its clock moved {clockOffset.TotalDays:0} days, into a later period");
                    var restart = Stopwatch.StartNew();
                    await local.RestartAsync([$"--FloorPay:Clock:Offset={clockOffset}"]);
                    Console.Error.WriteLine($"payday: the node was back in {restart.Elapsed.TotalSeconds:0.0} s");
                }
                var policy = await new Policies.PoliciesClient(target.Channel).GetPolicyAsync(new GetPolicyRequest(), target.Treasury,
                    deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellation);
                period = policy.CurrentPeriod;
                var run = await runs.StartPaydayRunAsync(new StartPaydayRunRequest { Period = period }, target.Treasury,
                    deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellation);
                Console.Error.WriteLine($"payday: run {run.Period} {run.Status}, {run.SlicesTotal} slices");
            },
            Integrity = async cancellation =>
            {
                var details = new List<string>();
                var (run, waited) = await WaitForRunAsync(runs, target, period, runTimeout, cancellation);
                var completed = run.Status == "COMPLETED";
                details.Add($"{(completed ? "ok" : "FAILED")}: payday run {period} {run.Status}: {run.CitizensPaid} paid, " +
                            $"{run.CitizensAlreadyPaid} already paid, {run.SlicesDone}/{run.SlicesTotal} slices " +
                            $"({(run.FinishedAt is null || run.StartedAt is null ? "not finished" : $"{(run.FinishedAt.ToDateTime() - run.StartedAt.ToDateTime()).TotalSeconds:0.0} s")}" +
                            $"; waited {waited.TotalSeconds:0} s after the load)");
                var (paidOnce, problems) = await CheckEveryonePaidOnceAsync(target, citizens, enrolled, period, cancellation);
                details.Add($"{(problems.Count == 0 ? "ok" : "FAILED")}: {paidOnce} of {enrolled.Count} citizens' statements show exactly one floor payout for {period}" +
                            (problems.Count == 0 ? "" : $"; e.g. {string.Join("; ", problems.Take(5))}"));
                var ledger = await target.ReconcileAsync(cancellation);
                return new IntegrityResult(completed && problems.Count == 0 && ledger.Passed, [.. details, .. ledger.Details]);
            },
        };
    }

    /// <summary>Enrolls the population through bulk envelopes of 1,000 (each paid at once); returns the citizen ids.</summary>
    private static async Task<List<string>> EnrollPopulationAsync(FloorPayTarget target, int count, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var policy = await new Policies.PoliciesClient(target.Channel).GetPolicyAsync(new GetPolicyRequest(), target.Bank,
            deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellation);
        var bulk = new Bulk.BulkClient(target.Channel);
        var ids = new List<string>();
        var envelopes = Enumerable.Range(0, (count + 999) / 1000).Select(e =>
        {
            var envelope = new EnrollEnvelope { EnvelopeId = $"payday-{target.Run}-{e}" };
            for (var n = e * 1000L; n < Math.Min(count, (e + 1) * 1000L); n++)
                envelope.Items.Add(target.NewEnrollment(n, FloorPayTarget.Regions[n % 4]));
            envelope.ControlCount = envelope.Items.Count;
            envelope.ControlAmount = new Money { MinorUnits = policy.FloorAmount.MinorUnits * envelope.Items.Count, Currency = policy.Currency };
            return envelope;
        }).ToList();
        await Parallel.ForEachAsync(envelopes, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellation }, async (envelope, ct) =>
        {
            var result = await bulk.EnrollBatchAsync(envelope, target.Bank, deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: ct);
            if (result.Failed > 0)
                throw new InvalidOperationException($"payday: enrolling the population failed for {result.Failed} citizens, e.g. " +
                                                    result.Items.First(i => i.StatusCode != 0).StatusMessage);
            lock (ids)
            {
                foreach (var item in result.Items)
                {
                    ids.Add(item.CitizenId);
                    target.Acknowledged[item.Receipt.PayoutId] = item.CitizenId;
                }
            }
        });
        Console.Error.WriteLine($"payday: {ids.Count} citizens enrolled (and paid their first period) in {clock.Elapsed.TotalSeconds:0.0} s");
        return ids;
    }

    private static async Task<(PaydayRun Run, TimeSpan Waited)> WaitForRunAsync(PaydayRuns.PaydayRunsClient runs, FloorPayTarget target, string period,
        TimeSpan timeout, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await runs.GetPaydayRunAsync(new GetPaydayRunRequest { Period = period }, target.Treasury,
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellation);
            if (run.Status == "COMPLETED" || clock.Elapsed > timeout) return (run, clock.Elapsed);
            await Task.Delay(500, cancellation);
        }
    }

    /// <summary>
    /// Reads every citizen's statement: each must show exactly one floor payout for the period. Those payouts join the
    /// acknowledged ones, so reconciliation checks they are in the ledger.
    /// </summary>
    private static async Task<(int PaidOnce, List<string> Problems)> CheckEveryonePaidOnceAsync(FloorPayTarget target, Citizens.CitizensClient citizens,
        IReadOnlyList<string> enrolled, string period, CancellationToken cancellation)
    {
        var problems = new List<string>();
        var paidOnce = 0;
        await Parallel.ForEachAsync(enrolled, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellation }, async (citizen, ct) =>
        {
            var statement = await citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizen }, target.Bank,
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
            var floors = statement.Payouts.Where(x => x.Period == period && x.Kind == PayoutKind.Floor).ToList();
            lock (problems)
            {
                if (floors.Count == 1)
                {
                    paidOnce++;
                    target.Acknowledged[floors[0].PayoutId] = citizen;
                }
                else problems.Add($"{citizen}: {floors.Count} floor payouts for {period}");
            }
        });
        return (paidOnce, problems);
    }
}
