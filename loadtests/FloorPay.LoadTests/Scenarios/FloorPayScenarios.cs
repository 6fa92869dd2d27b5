using FloorPay.V1;

namespace FloorPay.LoadTests.Scenarios;

/// <summary>The surge scenarios, each ending with the ledger integrity check.</summary>
public static class FloorPayScenarios
{
    public static readonly string[] Names = ["enrollment-surge", "retry-storm", "hot-region", "payday", "crisis-replay", "bank-stream"];

    /// <summary>
    /// The scenario a command line names, against --address or a node started for it (--local); the node is returned
    /// to be disposed after the run.
    /// </summary>
    public static async Task<(Scenario Scenario, IAsyncDisposable? Host)> ResolveAsync(string name, ScenarioParameters parameters, CommandLine line)
    {
        if (name == "self-test") return (SelfTestScenario.Create(parameters), null);
        if (!Names.Contains(name)) throw new ArgumentException($"unknown scenario '{name}'; known: self-test, {string.Join(", ", Names)}");
        var local = line.Has("--local") ? await LocalNode.StartAsync(line.All("--local-arg"), line.ValueOrNull("--local-log"), line.ValueOrNull("--local-cpus")) : null;
        var options = new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        };
        var channel = line.ValueOrNull("--endpoints") is { } endpoints && local is null
            ? EndpointsFile.Channel(endpoints, options)
            : GrpcChannel.ForAddress(local?.Address ?? line.Value("--address", "http://127.0.0.1:5080"), options);
        var target = new FloorPayTarget(channel, line.Value("--api-key", "dev-bank-a"), line.Value("--bank", "bank-a"),
            line.Value("--auditor-key", "dev-auditor"), line.Value("--treasury-key", "dev-treasury")) { Local = local };
        return (Create(name, target, parameters), local);
    }

    public static Scenario Create(string name, FloorPayTarget target, ScenarioParameters p) => name switch
    {
        "enrollment-surge" => EnrollmentSurge(target, p, hotRegion: null, hotShare: 0),
        "hot-region" => EnrollmentSurge(target, p, p.Text("region", "R-NORTH"), p.Number("hot-share", 0.8)),
        "retry-storm" => RetryStorm(target, p),
        "crisis-replay" => CrisisReplay(target, p),
        "payday" => PaydayScenario.Create(target, p),
        "bank-stream" => BankStreamScenario.Create(target, p),
        _ => throw new ArgumentException($"unknown scenario '{name}'; known: self-test, {string.Join(", ", Names)}"),
    };

    /// <summary>Citizens enroll (each paid at once) at the injected rate; with a hot region, most of them in one region.</summary>
    private static Scenario EnrollmentSurge(FloorPayTarget target, ScenarioParameters p, string? hotRegion, double hotShare)
    {
        var citizens = new Citizens.CitizensClient(target.Channel);
        var deadline = TimeSpan.FromMilliseconds(p.Number("deadline-ms", 10_000));
        var random = new Random(11);
        return new Scenario(hotRegion is null ? "enrollment-surge" : "hot-region", [new Step("enroll", async (context, cancellation) =>
        {
            string region;
            lock (random) region = hotRegion is not null && random.NextDouble() < hotShare ? hotRegion : FloorPayTarget.Regions[random.Next(4)];
            try
            {
                var response = await citizens.EnrollAsync(target.NewEnrollment(context.Number, region), target.Bank,
                    deadline: DateTime.UtcNow + deadline, cancellationToken: cancellation);
                target.Acknowledged[response.FirstPayout.PayoutId] = response.CitizenId;
                return StepOutcome.Success;
            }
            catch (RpcException e) { return FloorPayTarget.Outcome(e); }
        })])
        { Integrity = target.ReconcileAsync };
    }

    /// <summary>
    /// Impatient clients: a short deadline, and every unanswered request resent at once with the same idempotency key,
    /// several times. The ledger must still pay each citizen once.
    /// </summary>
    private static Scenario RetryStorm(FloorPayTarget target, ScenarioParameters p)
    {
        var citizens = new Citizens.CitizensClient(target.Channel);
        var deadline = TimeSpan.FromMilliseconds(p.Number("deadline-ms", 50));
        var resends = (int)p.Number("resends", 5);
        long resent = 0;
        return new Scenario("retry-storm", [new Step("enroll-with-resends", async (context, cancellation) =>
        {
            var request = target.NewEnrollment(context.Number, FloorPayTarget.Regions[context.Number % 4]);
            RpcException? last = null;
            for (var attempt = 0; attempt <= resends; attempt++)
            {
                try
                {
                    var response = await citizens.EnrollAsync(request, target.Bank, deadline: DateTime.UtcNow + deadline, cancellationToken: cancellation);
                    target.Acknowledged[response.FirstPayout.PayoutId] = response.CitizenId;
                    return StepOutcome.Success;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Unavailable or StatusCode.ResourceExhausted)
                {
                    last = e;
                    if (attempt < resends) Interlocked.Increment(ref resent);
                }
                catch (RpcException e) { return FloorPayTarget.Outcome(e); }
            }
            return FloorPayTarget.Outcome(last!);
        })])
        {
            Integrity = async cancellation =>
            {
                var ledger = await target.ReconcileAsync(cancellation);
                return ledger with { Details = [$"{Interlocked.Read(ref resent)} resends of unanswered requests, each with its original idempotency key", .. ledger.Details] };
            },
        };
    }

    /// <summary>
    /// Replays an arrival-rate timeline from a CSV file (offset_s,region,operation,rate; real seconds and requests per
    /// second), compressed in time by "time-scale" and scaled in rate by "rate-scale". Operations: enroll, statement.
    /// </summary>
    private static Scenario CrisisReplay(FloorPayTarget target, ScenarioParameters p)
    {
        var file = p.Text("timeline", Path.Combine(AppContext.BaseDirectory, "timelines", "us-initial-claims-2020.csv"));
        var timeline = Timeline.Load(file, p.Number("time-scale", 60_480), p.Number("rate-scale", 40));
        var citizens = new Citizens.CitizensClient(target.Channel);
        var random = new Random(13);
        return new Scenario("crisis-replay", [new Step("arrival", async (context, cancellation) =>
        {
            (string Region, string Operation) pick;
            lock (random) pick = timeline.Pick(timeline.Elapsed, random);
            try
            {
                if (pick.Operation == "statement" && target.Acknowledged.Values.FirstOrDefault() is { } known)
                {
                    await citizens.GetStatementAsync(new GetStatementRequest { CitizenId = known }, target.Bank,
                        deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellation);
                    return StepOutcome.Success;
                }
                var response = await citizens.EnrollAsync(target.NewEnrollment(context.Number, pick.Region), target.Bank,
                    deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellation);
                target.Acknowledged[response.FirstPayout.PayoutId] = response.CitizenId;
                return StepOutcome.Success;
            }
            catch (RpcException e) { return FloorPayTarget.Outcome(e); }
        })])
        {
            Integrity = target.ReconcileAsync,
            DefaultPhases = [timeline],
            Setup = _ => { timeline.Start(); return Task.CompletedTask; },
        };
    }
}

/// <summary>A replayed timeline as an open-model phase: the total rate at each moment, and who arrives.</summary>
public sealed record Timeline(IReadOnlyList<(double At, string Region, string Operation, double Rate)> Rows, TimeSpan Length)
    : LoadPhase(Length)
{
    private readonly System.Diagnostics.Stopwatch _clock = new();

    public override bool Open => true;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Start() => _clock.Restart();

    /// <param name="timeScale">Real seconds per run second.</param>
    /// <param name="rateScale">Run requests per real request.</param>
    public static Timeline Load(string file, double timeScale, double rateScale)
    {
        var rows = File.ReadAllLines(file).Skip(1).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).Select(l =>
        {
            var c = l.Split(',');
            return (At: double.Parse(c[0], CultureInfo.InvariantCulture) / timeScale, Region: c[1].Trim(), Operation: c[2].Trim(),
                Rate: double.Parse(c[3], CultureInfo.InvariantCulture) * rateScale);
        }).OrderBy(r => r.At).ToList();
        if (rows.Count == 0) throw new ArgumentException($"{file} has no rows (offset_s,region,operation,rate)");
        // Each row lasts until the next offset; the last one as long as the step before it.
        var offsets = rows.Select(r => r.At).Distinct().ToList();
        var last = offsets.Count > 1 ? offsets[^1] - offsets[^2] : 10;
        return new Timeline(rows, TimeSpan.FromSeconds(offsets[^1] + last));
    }

    private IEnumerable<(double At, string Region, string Operation, double Rate)> At(TimeSpan t)
    {
        var start = Rows.Where(r => r.At <= t.TotalSeconds).Select(r => r.At).DefaultIfEmpty(Rows[0].At).Max();
        return Rows.Where(r => r.At == start);
    }

    public override double RateAt(TimeSpan t, Random random) => At(t).Sum(r => r.Rate);

    public (string Region, string Operation) Pick(TimeSpan t, Random random)
    {
        var rows = At(t).ToList();
        var x = random.NextDouble() * rows.Sum(r => r.Rate);
        foreach (var r in rows)
        {
            if ((x -= r.Rate) <= 0) return (r.Region, r.Operation);
        }
        return (rows[^1].Region, rows[^1].Operation);
    }
}
