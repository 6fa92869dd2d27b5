using System.Text.Json;
using FloorPay.LoadTests.Runner;
using FloorPay.LoadTests.Scenarios;

namespace FloorPay.LoadTests.Tests;

/// <summary>
/// The surge scenarios end to end, as a load tester runs them: the runner starts a real node (the built silo) on the
/// embedded SQLite file or on the test PostgreSQL, drives it through gRPC, and ends with the integrity check.
/// </summary>
[Collection("runner")]
public sealed class ScenarioTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Payday_pays_every_citizen_once_while_statement_reads_and_status_checks_flood_in(string storage)
    {
        var (exit, report) = await RunAsync(storage, "payday", "--param", "citizens=400", "--phase", "inject:40/s:3s");

        Assert.Equal(0, exit);
        var integrity = Integrity(report);
        Assert.True(integrity.Passed, string.Join("\n", integrity.Details));
        Assert.Contains(integrity.Details, d => d.StartsWith("ok: payday run") && d.Contains("COMPLETED: 400 paid, 0 already paid"));
        Assert.Contains(integrity.Details, d => d.StartsWith("ok: 400 of 400 citizens' statements show exactly one floor payout"));
        // 400 enrollment payouts and 400 payday payouts, each acknowledged and found in the ledger.
        Assert.Contains(integrity.Details, d => d.StartsWith("ok: every acknowledged payout exists (all 800 "));
        foreach (var step in new[] { "statement", "run-status" })
        {
            var s = Step(report, step);
            Assert.True(s.GetProperty("ok").GetInt64() >= 100, $"{step}: {s}");
            Assert.Equal(0, s.GetProperty("failed").GetInt64());
        }
    }

    [Fact]
    public async Task A_retry_storm_on_postgres_pays_no_one_twice()
    {
        var (_, report) = await RunAsync("postgres", "retry-storm", "--param", "deadline-ms=20", "--param", "resends=3", "--phase", "inject:150/s:3s");

        var integrity = Integrity(report);
        Assert.True(integrity.Passed, string.Join("\n", integrity.Details));
        Assert.Contains(integrity.Details, d => d.StartsWith("ok: no citizen is paid twice for a period (0 (citizen, period) pairs"));
        // The storm ran (how many calls beat a 20 ms deadline depends on the machine's load, so it is not asserted here:
        // the money is; the benchmarks measure goodput).
        var storm = Step(report, "enroll-with-resends");
        Assert.True(storm.GetProperty("requests").GetInt64() > 0, storm.ToString());
    }

    [Fact]
    public async Task An_enrollment_surge_on_the_embedded_node_keeps_its_thresholds_and_its_ledger()
    {
        var (exit, report) = await RunAsync("sqlite", "enrollment-surge", "--phase", "ramp:20-80/s:3s", "--threshold", "errors<1%");

        Assert.Equal(0, exit);
        Assert.True(Integrity(report).Passed);
        Assert.InRange(Step(report, "enroll").GetProperty("ok").GetInt64(), 140, 160);
    }

    [Fact]
    public async Task An_audit_export_of_an_enrollment_surge_verifies_and_recomputes_reconciliation_s_totals()
    {
        var work = Directory.CreateTempSubdirectory("floorpay-audit-surge-").FullName;
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(Path.Combine(work, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(work, "public.pem"), key.ExportSubjectPublicKeyInfoPem());
        string[] node = [$"--FloorPay:Storage:Provider=PostgreSql", $"--FloorPay:Storage:ConnectionString={await TestPostgres.NewDatabaseAsync()}",
            $"--FloorPay:Audit:SigningKeyFile={Path.Combine(work, "key.pem")}"];

        var (exit, report) = await RunAsync(null, "enrollment-surge", [.. node.SelectMany(a => new[] { "--local-arg", a }), "--phase", "inject:100/s:3s"]);
        Assert.Equal(0, exit);
        var integrity = Integrity(report);
        var totals = integrity.Details.Single(d => d.StartsWith("ok: ledger totals: ", StringComparison.Ordinal))["ok: ledger totals: ".Length..];
        Assert.DoesNotContain("ledger totals: 0 payouts", integrity.Details.Single(d => d.Contains("ledger totals")));

        // An auditor's export of the stopped node, checked by the independent verifier with the auditor's copy of the key.
        var export = await SiloCli(["audit", "export", "--out", Path.Combine(work, "export"), "--seal", .. node]);
        Assert.True(export.Exit == 0, export.Output);
        var verify = await SiloCli(["audit", "verify", Path.Combine(work, "export"), "--public-key", Path.Combine(work, "public.pem")]);
        Assert.True(verify.Exit == 0, verify.Output);
        Assert.Contains("PASSED", verify.Output);
        // "N payouts, X minor units paid" from reconciliation; "payouts: N, paid X minor units" from the entries alone.
        var parts = totals.Split(' ');
        Assert.Contains($"payouts: {parts[0]}, paid {parts[2]} minor units", verify.Output);
        Directory.Delete(work, recursive: true);
    }

    /// <summary>The built silo's command line (`dotnet FloorPay.Silo.dll ARGS`), its exit code and output.</summary>
    private static async Task<(int Exit, string Output)> SiloCli(IEnumerable<string> args)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = dir.Parent!.Name; // .../bin/<Configuration>/net10.0/
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FloorPay.sln"))) dir = dir.Parent;
        var dll = Path.Combine(dir!.FullName, "silo", "FloorPay.Silo", "bin", configuration, "net10.0", "FloorPay.Silo.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        return (process.ExitCode, await output + await error);
    }

    private static async Task<(int Exit, JsonElement Report)> RunAsync(string? storage, string scenario, params string[] options)
    {
        var output = Directory.CreateTempSubdirectory("floorpay-scenario-").FullName;
        var arguments = new List<string> { scenario, "--local", "--out", output };
        if (storage == "postgres")
            arguments.AddRange(["--local-arg", "--FloorPay:Storage:Provider=PostgreSql", "--local-arg",
                $"--FloorPay:Storage:ConnectionString={await TestPostgres.NewDatabaseAsync()}"]);
        arguments.AddRange(options);
        var exit = await Cli.RunAsync([.. arguments], FloorPayScenarios.ResolveAsync);
        var reportFile = Path.Combine(output, "report.json");
        Assert.True(File.Exists(reportFile), $"the runner wrote no report (exit {exit}); its error is on the test output");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(reportFile));
        var report = json.RootElement.Clone();
        Directory.Delete(output, recursive: true);
        return (exit, report);
    }

    private static (bool Passed, List<string> Details) Integrity(JsonElement report)
    {
        var integrity = report.GetProperty("integrity");
        return (integrity.GetProperty("Passed").GetBoolean(), integrity.GetProperty("Details").EnumerateArray().Select(d => d.GetString()!).ToList());
    }

    private static JsonElement Step(JsonElement report, string name) =>
        report.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
}
