using System.Text.Json;
using FloorPay.LoadTests.Runner;
using Spectre.Console;

namespace FloorPay.LoadTests.Tests;

/// <summary>The load runner's own guarantees, against the self-test scenario (no server).</summary>
[Collection("runner")] // one at a time: the timing assertions must not share the cores with a node under load
public sealed class RunnerTests
{
    private static Scenario SelfTest(params (string, string)[] parameters) =>
        SelfTestScenario.Create(ScenarioParameters.From(null, parameters.Select(p => $"{p.Item1}={p.Item2}")));

    [Fact]
    public async Task A_one_second_server_stall_shows_in_the_p99_because_latency_counts_from_the_intended_start()
    {
        var scenario = SelfTest(("stall-at-s", "2"), ("stall-ms", "1000"), ("sleep-ms", "2"));
        var result = await new LoadRunner(scenario, new RunSettings { Phases = [new InjectRate(200, TimeSpan.FromSeconds(5))] }).RunAsync();

        // Arrivals kept coming during the stall (none skipped), and each waited from when it was due.
        Assert.InRange(result.All.Requests, 990, 1000);
        Assert.Equal(0, result.All.Dropped);
        Assert.True(result.All.PercentileMs(99) >= 900, $"p99 {result.All.PercentileMs(99)} ms");
        Assert.True(result.All.MaxMs >= 950, $"max {result.All.MaxMs} ms");
        Assert.True(result.All.PercentileMs(50) < 100, $"p50 {result.All.PercentileMs(50)} ms: most requests were not stalled");
        // A closed-model runner would have sent about one request during the stall; here about 200 of 1,000 were due in
        // it, so at least the slowest 15% waited over 100 ms.
        Assert.True(result.All.PercentileMs(85) >= 100, $"p85 {result.All.PercentileMs(85)} ms");
    }

    [Fact]
    public async Task A_breached_threshold_exits_non_zero_and_a_kept_one_exits_zero()
    {
        var output = Directory.CreateTempSubdirectory("floorpay-runner-").FullName;
        Task<(Scenario, IAsyncDisposable?)> Resolve(string name, ScenarioParameters p, CommandLine _) =>
            Task.FromResult<(Scenario, IAsyncDisposable?)>((SelfTestScenario.Create(p), null));

        var breached = await Cli.RunAsync(["self-test", "--phase", "inject:100/s:2s", "--param", "sleep-ms=20", "--threshold", "p99<5ms",
            "--out", Path.Combine(output, "breached")], Resolve);
        var kept = await Cli.RunAsync(["self-test", "--phase", "inject:100/s:2s", "--param", "sleep-ms=1", "--threshold", "p99<2s",
            "--threshold", "errors<1%", "--out", Path.Combine(output, "kept")], Resolve);
        var bad = await Cli.RunAsync(["self-test", "--threshold", "p99 under 5ms"], Resolve);

        Assert.Equal(1, breached);
        Assert.Equal(0, kept);
        Assert.Equal(2, bad);
        foreach (var file in new[] { "summary.md", "report.json", "report.html", "throughput.png", "latency.png", "percentiles.png", "latency-request.hlog" })
            Assert.True(File.Exists(Path.Combine(output, "kept", file)), file);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "breached", "report.json")));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Contains("**FAIL**", File.ReadAllText(Path.Combine(output, "breached", "summary.md")));
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public async Task Live_progress_draws_a_table_with_the_counts_in_a_terminal()
    {
        var output = new StringWriter();
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
        });
        var result = await LiveProgress.RunAsync(terminal, progress =>
            new LoadRunner(SelfTest(("sleep-ms", "1")), new RunSettings { Phases = [new InjectRate(100, TimeSpan.FromSeconds(3))], OnProgress = progress }).RunAsync());

        var drawn = output.ToString();
        Assert.Contains("FloorPay load run", drawn);
        Assert.Contains("in flight", drawn);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(drawn, @"\[#+-*\]"), drawn); // the progress bar
        Assert.Matches(@"[1-3]/3 s", drawn);
        Assert.True(result.All.Ok >= 290, $"{result.All.Ok} ok");
    }

    [Fact]
    public async Task A_breach_can_abort_the_run_early()
    {
        var scenario = SelfTest(("fail-rate", "0.5"), ("sleep-ms", "1"));
        var settings = new RunSettings
        {
            Phases = [new InjectRate(200, TimeSpan.FromSeconds(20))],
            Thresholds = [Threshold.Parse("errors<1%")],
            AbortOnBreach = true,
        };
        var result = await new LoadRunner(scenario, settings).RunAsync();

        Assert.NotNull(result.AbortReason);
        // Latency is also kept per status: failures (1 ms) and successes each have their own percentiles.
        Assert.True(result.All.ByStatus["Unavailable"] > 0 && result.All.PercentileMs("Unavailable", 99) > 0);
        Assert.Equal(0, result.All.PercentileMs("NoSuchStatus", 99));
        Assert.Contains("errors<1%", result.AbortReason);
        Assert.True(result.Measured < TimeSpan.FromSeconds(10), $"ran {result.Measured}");
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Warm_up_is_run_but_not_measured_and_a_ramp_injects_its_integral()
    {
        var scenario = SelfTest(("sleep-ms", "1"));
        var settings = new RunSettings { Phases = [new InjectRate(100, TimeSpan.FromSeconds(1)), new RampRate(0, 200, TimeSpan.FromSeconds(4))], WarmUp = TimeSpan.FromSeconds(1) };
        var result = await new LoadRunner(scenario, settings).RunAsync();

        // The warm-up's 100 are not counted; the ramp from 0 to 200/s over 4 s injects 400.
        Assert.InRange(result.All.Requests, 396, 401);
        Assert.InRange(result.Measured.TotalSeconds, 3.9, 4.5);
    }

    [Fact]
    public async Task Closed_model_keeps_its_clients_busy()
    {
        var scenario = SelfTest(("sleep-ms", "10"));
        var result = await new LoadRunner(scenario, new RunSettings { Phases = [new KeepClients(4, TimeSpan.FromSeconds(2))] }).RunAsync();
        // Four clients, each ~10 ms per request: about 400/s in all, far from zero and bounded by the clients.
        Assert.InRange(result.All.RequestsPerSecond, 100, 420);
    }

    [Theory]
    [InlineData("inject:2000/s:60s", 2000.0, 60.0)]
    [InlineData("ramp:0-500/s:30s", 250.0, 30.0)]
    [InlineData("pause:5s", 0.0, 5.0)]
    [InlineData("keep:64:500ms", 0.0, 0.5)]
    public void Phases_parse_with_their_rate_halfway_and_duration(string text, double rateHalfway, double seconds)
    {
        var phase = LoadPhase.Parse(text);
        Assert.Equal(TimeSpan.FromSeconds(seconds), phase.Duration);
        Assert.Equal(rateHalfway, phase.RateAt(phase.Duration / 2, new Random(1)), 3);
    }

    [Theory]
    [InlineData("fast:60s")]
    [InlineData("inject:2000:60s")]
    [InlineData("keep:many:5s")]
    public void Bad_phases_are_refused(string text) => Assert.Throws<ArgumentException>(() => LoadPhase.Parse(text));

    [Theory]
    [InlineData("p99<50ms", null, "p99", true, 50.0, null)]
    [InlineData("p99.9<2s", null, "p99.9", true, 2000.0, null)]
    [InlineData("errors<0.1%", null, "errors", true, 0.1, null)]
    [InlineData("rps>2000", null, "rps", false, 2000.0, null)]
    [InlineData("enroll:p95<200ms", "enroll", "p95", true, 200.0, null)]
    [InlineData("goodput>1200", null, "goodput", false, 1200.0, null)]
    [InlineData("@ResourceExhausted:p99<10ms", null, "p99", true, 10.0, "ResourceExhausted")]
    [InlineData("enroll@DeadlineExceeded:count<1", "enroll", "count", true, 1.0, "DeadlineExceeded")]
    public void Thresholds_parse(string text, string? step, string metric, bool lessThan, double limit, string? status) =>
        Assert.Equal(new Threshold(text, step, metric, lessThan, limit, status), Threshold.Parse(text));

    [Fact]
    public async Task Thresholds_can_look_at_goodput_and_at_the_requests_of_one_status()
    {
        var scenario = SelfTest(("fail-rate", "0.3"), ("sleep-ms", "1"));
        var thresholds = new[] { "goodput>40", "@Unavailable:count<1", "@OK:p99<2s", "@Unavailable:max<2s", "goodput>1000" }.Select(Threshold.Parse).ToList();
        var result = await new LoadRunner(scenario, new RunSettings { Phases = [new InjectRate(100, TimeSpan.FromSeconds(2))], Thresholds = thresholds }).RunAsync();

        var byText = result.Thresholds.ToDictionary(t => t.Threshold.Text);
        Assert.True(byText["goodput>40"].Passed, $"goodput {byText["goodput>40"].Measured}"); // about 70 ok/s
        Assert.False(byText["goodput>1000"].Passed);
        Assert.Equal(result.All.ByStatus["Unavailable"], byText["@Unavailable:count<1"].Measured);
        Assert.False(byText["@Unavailable:count<1"].Passed);
        Assert.True(byText["@OK:p99<2s"].Passed && byText["@Unavailable:max<2s"].Passed);
        Assert.Equal(1, result.ExitCode);
    }

    [Theory]
    [InlineData("p99<50")]
    [InlineData("errors<5")]
    [InlineData("rps>20%")]
    [InlineData("latency<5ms")]
    [InlineData("@OK:goodput>5")]
    [InlineData(":p99<5ms")]
    [InlineData("count<1%")]
    public void Bad_thresholds_are_refused(string text) => Assert.Throws<ArgumentException>(() => Threshold.Parse(text));
}
