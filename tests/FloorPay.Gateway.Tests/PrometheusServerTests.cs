using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// A real Prometheus server (Debian's prometheus package; ./scripts/test.sh installs it) scrapes a node under a short
/// load with the alert rules loaded: every dashboard panel's query returns data, every alert rule evaluates without
/// error, and every series an alert reads exists (kube-state-metrics' series aside: there is no Kubernetes here).
/// </summary>
public sealed partial class PrometheusServerTests : IAsyncLifetime
{
    private const string Namespace = "floorpay-test";
    private readonly string _directory = Directory.CreateTempSubdirectory("floorpay-prometheus-").FullName;
    private readonly HttpClient _prometheusApi = new() { Timeout = TimeSpan.FromSeconds(30) };
    private FloorPayServer _server = null!;
    private Process? _prometheus;

    public async Task InitializeAsync()
    {
        _server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Metrics:OutstandingRefresh"] = "00:00:01",
        }));
        var port = FloorPayServer.FreePorts(1)[0];
        var config = Path.Combine(_directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - {{Path.Combine(RepositoryRoot, "k8s", "alerts", "floorpay.rules.yaml")}}
            scrape_configs:
              - job_name: floorpay-management
                static_configs:
                  - targets: ["127.0.0.1:{{_server.ManagementPort}}"]
                    labels: { namespace: "{{Namespace}}", pod: "floorpay-silo-test" }
            """);
        var start = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_directory, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
            start.ArgumentList.Add(a);
        try { _prometheus = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("the prometheus server is not installed (apt-get install prometheus; ./scripts/test.sh does)", e);
        }
        _prometheus.OutputDataReceived += (_, _) => { };
        _prometheus.ErrorDataReceived += (_, _) => { };
        _prometheus.BeginOutputReadLine();
        _prometheus.BeginErrorReadLine();
        _prometheusApi.BaseAddress = new Uri($"http://127.0.0.1:{port}");
        await Eventually.Satisfies(async () =>
        {
            try { return (await _prometheusApi.GetAsync("/-/ready")).StatusCode; }
            catch (HttpRequestException) { return HttpStatusCode.ServiceUnavailable; }
        }, s => s == HttpStatusCode.OK, "Prometheus to be ready", TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is { HasExited: false }) _prometheus.Kill(entireProcessTree: true);
        _prometheus?.Dispose();
        _prometheusApi.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public async Task Every_dashboard_panel_and_alert_query_works_against_a_real_prometheus_scraping_a_node_under_load()
    {
        // A short load that moves what the panels show: enrollments (payouts, instructions), a bad call, a read, a reconciliation.
        var bank = _server.As(ApiKeys.BankA);
        for (var i = 0; i < 20; i++) await Steps.Retrying(() => bank.Citizens.EnrollAsync(Requests.Enroll(Ids.Citizen(), region: i % 2 == 0 ? "R-NORTH" : "R-SOUTH")).ResponseAsync);
        await Expect.Status(StatusCode.InvalidArgument, bank.Citizens.EnrollAsync(new EnrollRequest()));
        await _server.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest());
        Assert.True((await _server.As(ApiKeys.Auditor).Audit.ReconcileAsync(new ReconcileRequest())).Passed);

        var panels = DashboardQueries();
        Assert.True(panels.Count >= 20, $"only {panels.Count} panel queries found");
        // Rates need two scrapes after the load, and the outstanding gauge a refresh: wait until every panel has data.
        var empty = await Eventually.Satisfies(async () =>
        {
            var missing = new List<string>();
            foreach (var (panel, expr) in panels)
                if ((await QueryAsync(expr)).GetArrayLength() == 0) missing.Add($"{panel}: {expr}");
            return string.Join("\n", missing);
        }, m => m.Length == 0, "every dashboard panel's query to return data", TimeSpan.FromSeconds(90));
        Assert.Equal("", empty);

        // Every alert rule is loaded and evaluates without error, and every series it reads is there.
        var rules = await Eventually.Satisfies(RulesAsync, r => r.Count > 0 && r.All(x => x.Health == "ok"),
            "every alert rule to be evaluated without error", TimeSpan.FromSeconds(60));
        Assert.Equal(15, rules.Count);
        Assert.All(rules, r => Assert.True(r.Health == "ok" && r.LastError.Length == 0, $"{r.Name}: {r.Health} {r.LastError}"));
        foreach (var series in rules.SelectMany(r => SeriesNames().Matches(r.Query).Select(m => m.Value)).Distinct().Where(n => !n.StartsWith("kube_", StringComparison.Ordinal)))
            Assert.True((await QueryAsync($"count({{__name__=\"{series}\", namespace=\"{Namespace}\"}})")).GetArrayLength() > 0, $"no series {series} for the alerts");
    }

    /// <summary>Every target of every panel of the dashboard, with the dashboard's namespace variable set.</summary>
    private static List<(string Panel, string Expr)> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "k8s", "base", "dashboards", "floorpay-overview.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (
                p.GetProperty("title").GetString()!,
                t.GetProperty("expr").GetString()!.Replace("$namespace", Namespace, StringComparison.Ordinal))))
            .ToList();
    }

    /// <summary>An instant query's result vector; fails the test when Prometheus answers with an error.</summary>
    private async Task<JsonElement> QueryAsync(string expr)
    {
        using var response = await _prometheusApi.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(expr)}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"query {expr} failed: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("success", json.GetProperty("status").GetString());
        return json.GetProperty("data").GetProperty("result").Clone();
    }

    private sealed record Rule(string Name, string Query, string Health, string LastError);

    private async Task<List<Rule>> RulesAsync()
    {
        var json = JsonDocument.Parse(await _prometheusApi.GetStringAsync("/api/v1/rules")).RootElement;
        return json.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => new Rule(r.GetProperty("name").GetString()!, r.GetProperty("query").GetString()!, r.GetProperty("health").GetString()!,
                r.TryGetProperty("lastError", out var e) ? e.GetString() ?? "" : ""))
            .ToList();
    }

    /// <summary>The series names an expression reads (FloorPay's, the runtime's, Orleans', process, up and kube-state-metrics').</summary>
    [GeneratedRegex(@"\b(floorpay_[a-z0-9_]+|dotnet_[a-z0-9_]+|orleans_[a-z0-9_]+|process_[a-z0-9_]+|kube_[a-z0-9_]+|up)\b(?=\s*[\{\[\)]|\s+(offset|>|<|==|and|unless|or)\b)")]
    private static partial Regex SeriesNames();

    private static string RepositoryRoot => KubernetesManifestTests.RepositoryRoot;
}
