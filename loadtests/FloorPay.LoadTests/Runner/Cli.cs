namespace FloorPay.LoadTests.Runner;

/// <summary>The "run" command: a named scenario, its load phases, thresholds and reports; returns the exit code.</summary>
public static class Cli
{
    public const string Usage = """
        usage: FloorPay.LoadTests run SCENARIO [options]
          SCENARIO             self-test | enrollment-surge | retry-storm | hot-region | payday | crisis-replay | bank-stream
          --address URL        gRPC address of a FloorPay gateway (default http://127.0.0.1:5080)
          --endpoints FILE     instead: the gateways listed in FILE (host:port per line, re-read every second), called
                               round robin, as a Kubernetes Service spreads calls over its ready pods
          --local              start a single FloorPay node on this machine for the run (embedded SQLite storage)
          --local-arg A        repeatable: configuration for that node, e.g. --local-arg --FloorPay:Admission:MaxWritesInFlight=256
          --local-log FILE     append that node's output to FILE
          --local-cpus LIST    pin that node to these CPUs, e.g. 0 (run the runner itself under taskset -c 1)
          --api-key KEY        a bank's API key (default dev-bank-a); --bank ID its bank (default bank-a)
          --auditor-key KEY    an auditor's key for the integrity check (default dev-auditor)
          --treasury-key KEY   a treasury key, for the payday scenario (default dev-treasury)
          --phase P            a load phase, repeatable, in order: inject:2000/s:60s  ramp:0-500/s:30s
                               random:100-300/s:20s  pause:5s  keep:64:30s  ramp-clients:1-64:30s
          --warmup S           seconds at the start that run but are not measured (default 0)
          --threshold T        repeatable: p50|p75|p90|p95|p99|p99.9|max<N(ms|s), errors<N%, dropped<N%, rps>N,
                               goodput>N (ok per second), count<N; for one step: enroll:p99<50ms; for the requests
                               that ended with one status: @ResourceExhausted:p99<10ms, @DeadlineExceeded:count<1.
                               A breach exits 1.
          --abort-on-breach    stop as soon as a threshold (other than rps) is breached
          --max-in-flight N    open model: arrivals beyond N requests in flight are dropped, and counted (default 10000)
          --params FILE.json   scenario parameters; --param name=value overrides one
          --plain              progress as one line a second, even in a terminal
          --out DIR            where to write summary.md, report.json, report.html, charts and .hlog histograms
                               (default reports/SCENARIO-UTCTIME)
        Latency is measured from each request's intended start (no coordinated omission).
        """;

    public static async Task<int> RunAsync(string[] args, Func<string, ScenarioParameters, CommandLine, Task<(Scenario Scenario, IAsyncDisposable? Host)>> resolve)
    {
        var line = new CommandLine(args);
        if (args.Length == 0 || line.Has("--help")) { Console.WriteLine(Usage); return args.Length == 0 ? 2 : 0; }
        List<LoadPhase> phases;
        List<Threshold> thresholds;
        ScenarioParameters parameters;
        try
        {
            phases = line.All("--phase").Select(LoadPhase.Parse).ToList();
            thresholds = line.All("--threshold").Select(Threshold.Parse).ToList();
            parameters = ScenarioParameters.From(line.ValueOrNull("--params"), line.All("--param"));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        Scenario scenario;
        IAsyncDisposable? host;
        try { (scenario, host) = await resolve(args[0], parameters, line); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        if (phases.Count == 0) phases.AddRange(scenario.DefaultPhases ?? [new InjectRate(100, TimeSpan.FromSeconds(10))]);
        var settings = new RunSettings
        {
            Phases = phases,
            WarmUp = TimeSpan.FromSeconds(double.Parse(line.Value("--warmup", "0"), System.Globalization.CultureInfo.InvariantCulture)),
            Thresholds = thresholds,
            AbortOnBreach = line.Has("--abort-on-breach"),
            MaxInFlight = int.Parse(line.Value("--max-in-flight", "10000"), System.Globalization.CultureInfo.InvariantCulture),
        };
        // A live table in a terminal; plain lines when the output goes to a file or a CI log (or with --plain).
        var console = Console.IsErrorRedirected || line.Has("--plain")
            ? null
            : Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Console.Error) });

        var name = args[0];
        try
        {
            var result = await LiveProgress.RunAsync(console, progress => new LoadRunner(scenario, settings with { OnProgress = progress }).RunAsync());
            var directory = line.Value("--out", Path.Combine("reports", $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
            Reports.Write(result, directory);
            Console.WriteLine(Reports.Markdown(result));
            Console.WriteLine($"reports in {Path.GetFullPath(directory)}");
            return result.ExitCode;
        }
        finally
        {
            if (host is not null) await host.DisposeAsync();
        }
    }
}

/// <summary>Options of the form --name value (repeatable) and flags.</summary>
public sealed class CommandLine(string[] args)
{
    public bool Has(string flag) => args.Contains(flag);

    public IEnumerable<string> All(string option)
    {
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == option) yield return args[i + 1];
    }

    public string? ValueOrNull(string option) => All(option).LastOrDefault();

    public string Value(string option, string fallback) => ValueOrNull(option) ?? fallback;
}
