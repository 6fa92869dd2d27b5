namespace FloorPay.LoadTests.Runner;

public sealed record RunSettings
{
    public required IReadOnlyList<LoadPhase> Phases { get; init; }

    /// <summary>The first part of the timeline, run but not measured.</summary>
    public TimeSpan WarmUp { get; init; }

    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];

    /// <summary>Stop the run as soon as a threshold (other than rps) is breached, after at least 100 measured requests.</summary>
    public bool AbortOnBreach { get; init; }

    /// <summary>Open model: iterations in flight at most; an arrival beyond it could not start on time and is dropped.</summary>
    public int MaxInFlight { get; init; } = 10_000;

    public int Seed { get; init; } = 1;

    /// <summary>Called about once a second with the progress so far.</summary>
    public Action<Progress>? OnProgress { get; init; }
}

public sealed record Progress(TimeSpan Elapsed, TimeSpan Total, bool WarmingUp, long Ok, long Failed, long Dropped, double P99Ms, int InFlight);

public sealed record ThresholdResult(Threshold Threshold, double Measured, bool Passed);

public sealed record RunResult(
    string Scenario,
    DateTimeOffset StartedAt,
    TimeSpan Measured,
    IReadOnlyList<StepStatistics> Steps,
    StepStatistics All,
    IReadOnlyList<SecondSample> Timeline,
    IReadOnlyList<ThresholdResult> Thresholds,
    string? AbortReason,
    IntegrityResult? Integrity,
    RunnerLag? StartLag = null)
{
    public bool Passed => AbortReason is null && Thresholds.All(t => t.Passed) && Integrity?.Passed != false;
    public int ExitCode => Passed ? 0 : 1;
}

/// <summary>
/// Runs a scenario through its load phases. Open-model arrivals are scheduled in advance (by the millisecond) and each
/// request's latency is measured from its intended start, so a stalled server shows its stall in the percentiles
/// instead of slowing the load down (no coordinated omission). Closed-model clients measure from their own start.
/// </summary>
public sealed class LoadRunner(Scenario scenario, RunSettings settings)
{
    private readonly Recorder _recorder = new(scenario.Steps.Select(s => s.Name).ToList());
    private readonly Random _random = new(settings.Seed);
    private long _origin;
    private long _iterations;
    private int _inFlight;
    private string? _abortReason;

    private TimeSpan Total => settings.Phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration);

    private TimeSpan Now => Stopwatch.GetElapsedTime(_origin);

    private int SecondOf(TimeSpan at) => (int)(at - settings.WarmUp).TotalSeconds;

    public async Task<RunResult> RunAsync(CancellationToken cancellation = default)
    {
        if (scenario.Setup is { } setup) await setup(cancellation);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var startedAt = DateTimeOffset.UtcNow;
        _origin = Stopwatch.GetTimestamp();
        var running = new List<Task>();
        var monitor = MonitorAsync(run);
        var phaseStart = TimeSpan.Zero;
        foreach (var phase in settings.Phases)
        {
            if (run.IsCancellationRequested) break;
            if (phase.Open) await InjectAsync(phase, phaseStart, running, run.Token);
            else await KeepClientsAsync(phase, phaseStart, run.Token);
            phaseStart += phase.Duration;
        }
        await Task.WhenAll(running.Where(t => !t.IsCompleted)).WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var measured = Math.Min(Now.Ticks, Total.Ticks) - settings.WarmUp.Ticks;
        var duration = TimeSpan.FromTicks(Math.Max(measured, 1));
        run.Cancel();
        await monitor;

        var steps = scenario.Steps.Select(s => _recorder.Step(s.Name, duration)).ToList();
        var all = _recorder.All(duration);
        var thresholds = settings.Thresholds.Select(t =>
        {
            var stats = t.Step is null ? all : steps.FirstOrDefault(s => s.Name == t.Step) ?? throw new ArgumentException($"threshold {t.Text}: no step '{t.Step}'");
            return new ThresholdResult(t, t.Measure(stats), t.Holds(stats));
        }).ToList();
        var integrity = scenario.Integrity is { } check && _abortReason is null ? await check(cancellation) : null;
        return new RunResult(scenario.Name, startedAt, duration, steps, all, _recorder.Timeline(), thresholds, _abortReason, integrity, _recorder.Lag());
    }

    /// <summary>Open model: arrivals at the phase's rate, by the millisecond, whatever the server does.</summary>
    private async Task InjectAsync(LoadPhase phase, TimeSpan phaseStart, List<Task> running, CancellationToken cancellation)
    {
        var expected = 0.0;
        for (var ms = 0; ms < (int)phase.Duration.TotalMilliseconds && !cancellation.IsCancellationRequested; ms++)
        {
            expected += phase.RateAt(TimeSpan.FromMilliseconds(ms), _random) / 1000.0;
            if (expected < 1) continue;
            var intended = phaseStart + TimeSpan.FromMilliseconds(ms);
            var ahead = intended - Now;
            if (ahead > TimeSpan.FromMilliseconds(1))
            {
                try { await Task.Delay(ahead, cancellation); }
                catch (OperationCanceledException) { return; }
            }
            for (; expected >= 1; expected -= 1)
            {
                var measured = intended >= settings.WarmUp;
                if (Volatile.Read(ref _inFlight) >= settings.MaxInFlight)
                {
                    if (measured) _recorder.Dropped(scenario.Steps[0].Name, SecondOf(intended));
                    continue;
                }
                Interlocked.Increment(ref _inFlight);
                running.Add(Task.Run(() => IterateAsync(intended, cancellation), CancellationToken.None));
                if (running.Count > 50_000) running.RemoveAll(t => t.IsCompleted);
            }
        }
    }

    /// <summary>Closed model: the phase's number of clients, each starting its next iteration when the last one ends.</summary>
    private async Task KeepClientsAsync(LoadPhase phase, TimeSpan phaseStart, CancellationToken cancellation)
    {
        var end = phaseStart + phase.Duration;
        var target = 0;
        var clients = new List<Task>();
        while (Now < end && !cancellation.IsCancellationRequested)
        {
            Volatile.Write(ref target, phase.ClientsAt(Now - phaseStart));
            while (clients.Count < target)
            {
                var id = clients.Count;
                Interlocked.Increment(ref _inFlight);
                clients.Add(Task.Run(async () =>
                {
                    try
                    {
                        while (Now < end && id < Volatile.Read(ref target) && !cancellation.IsCancellationRequested) await IterateAsync(Now, cancellation, counted: false);
                    }
                    finally { Interlocked.Decrement(ref _inFlight); }
                }, CancellationToken.None));
            }
            try { await Task.Delay(100, cancellation); }
            catch (OperationCanceledException) { break; }
        }
        Volatile.Write(ref target, 0);
        await Task.WhenAll(clients);
    }

    private async Task IterateAsync(TimeSpan intended, CancellationToken cancellation, bool counted = true)
    {
        try
        {
            var context = new IterationContext(Interlocked.Increment(ref _iterations));
            var measured = intended >= settings.WarmUp;
            if (measured && counted) _recorder.StartLag((long)(Now - intended).TotalMicroseconds);
            var started = intended;
            foreach (var step in scenario.Steps)
            {
                StepOutcome outcome;
                try { outcome = await step.Run(context, cancellation); }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { return; }
                catch (Exception e) { outcome = new StepOutcome(e.GetType().Name, false); }
                var done = Now;
                if (measured) _recorder.Record(step.Name, outcome, (long)(done - started).TotalMicroseconds, SecondOf(intended));
                if (!outcome.Ok) return;
                started = done;
            }
        }
        finally
        {
            if (counted) Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task MonitorAsync(CancellationTokenSource run)
    {
        while (!run.IsCancellationRequested)
        {
            try { await Task.Delay(1000, run.Token); }
            catch (OperationCanceledException) { return; }
            var now = Now;
            var measuredFor = now - settings.WarmUp;
            var all = _recorder.All(measuredFor > TimeSpan.Zero ? measuredFor : TimeSpan.FromTicks(1));
            settings.OnProgress?.Invoke(new Progress(now, Total, now < settings.WarmUp, all.Ok, all.Failed, all.Dropped, all.PercentileMs(99), Volatile.Read(ref _inFlight)));
            if (!settings.AbortOnBreach || all.Requests + all.Dropped < 100) continue;
            foreach (var t in settings.Thresholds.Where(t => t.Metric is not ("rps" or "goodput")))
            {
                var stats = t.Step is null ? all : _recorder.Step(t.Step, measuredFor);
                if (stats.Requests + stats.Dropped < 100 || t.Holds(stats)) continue;
                _abortReason = $"threshold {t.Text} breached at {now.TotalSeconds:F0} s (measured {t.Measure(stats):0.###})";
                run.Cancel();
                return;
            }
        }
    }
}
