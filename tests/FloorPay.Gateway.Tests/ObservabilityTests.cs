using System.Net;
using System.Text.RegularExpressions;

namespace FloorPay.Gateway.Tests;

/// <summary>/metrics in the Prometheus text format, and liveness and readiness endpoints that mean what they say.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class ObservabilityTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    private async Task<string> ScrapeAsync() => await _server.Management.GetStringAsync("/metrics");

    /// <summary>The value of one series (all of whose labels are given), or 0 when it is not exported yet.</summary>
    private static double Value(string exposition, string metric, params (string Name, string Value)[] labels)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) && !line.StartsWith(metric + " ", StringComparison.Ordinal)) continue;
            if (!labels.All(l => line.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal))) continue;
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }

    [Fact]
    public async Task Metrics_count_calls_by_method_and_status_payouts_by_kind_and_region_and_ledger_commits()
    {
        var before = await ScrapeAsync();
        const string enroll = "/floorpay.v1.Citizens/Enroll";
        foreach (var _ in Enumerable.Range(0, 3)) await _server.EnrollNewCitizen(region: "R-EAST");
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.BankA).Citizens.EnrollAsync(new EnrollRequest()));

        var after = await ScrapeAsync();
        // Meters are process-wide and other test servers run in this process too: this test's calls are a lower bound.
        double Increase(string metric, params (string, string)[] labels) => Value(after, metric, labels) - Value(before, metric, labels);
        Assert.True(Increase("floorpay_gateway_grpc_requests_total", ("method", enroll), ("status", "OK")) >= 3, "enrollments counted as OK");
        Assert.True(Increase("floorpay_gateway_grpc_requests_total", ("method", enroll), ("status", "InvalidArgument")) >= 1, "the bad one counted");
        Assert.True(Increase("floorpay_payouts_total", ("kind", "floor"), ("region", "R-EAST")) >= 3, "payouts by kind and region");
        Assert.True(Increase("floorpay_enrollments_total", ("region", "R-EAST")) >= 3, "enrollments by region");
        Assert.True(Value(after, "floorpay_gateway_grpc_request_duration_seconds_count", ("method", enroll), ("status", "OK")) >= 3, "latency histogram");
        Assert.True(Value(after, "floorpay_ledger_batch_size_count") > Value(before, "floorpay_ledger_batch_size_count"), "ledger batches");
        Assert.Contains("floorpay_ledger_commit_duration_seconds_bucket", after);
        Assert.Matches(new Regex("^orleans_catalog_activations", RegexOptions.Multiline), after); // Orleans' own meters
        await Eventually.Satisfies(ScrapeAsync, m => m.Contains("floorpay_fund_balance_minor_units", StringComparison.Ordinal), "the fund balance gauge");
    }

    [Fact]
    public async Task Meters_that_record_on_every_request_or_buffer_are_not_exported_and_the_runtime_and_orleans_gauges_are()
    {
        foreach (var _ in Enumerable.Range(0, 3)) await _server.EnrollNewCitizen(); // activations: Polly's placement telemetry fires
        var scrape = await ScrapeAsync();
        var families = scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('{', ' ')[0]).ToHashSet();
        // ASP.NET Core's memory pool records on every buffer rented, routing on every match, Polly on every placement.
        Assert.DoesNotContain(families, f => f.StartsWith("microsoft_aspnetcore_memorypool_", StringComparison.Ordinal));
        Assert.DoesNotContain(families, f => f.StartsWith("microsoft_aspnetcore_routing_", StringComparison.Ordinal));
        Assert.DoesNotContain(families, f => f.StartsWith("polly_", StringComparison.Ordinal));
        Assert.Contains("orleans_catalog_activations", families);
        Assert.Contains("dotnet_gc_pause_time_seconds_total", families);
    }

    [Fact]
    public async Task A_live_scrape_follows_prometheus_conventions_and_passes_promtool()
    {
        foreach (var _ in Enumerable.Range(0, 3)) await _server.EnrollNewCitizen();
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.BankA).Citizens.EnrollAsync(new EnrollRequest()));
        var scrape = await ScrapeAsync();

        // rate() needs counters, histogram_quantile() seconds: the kinds and units the dashboards and alerts rely on.
        foreach (var (family, type) in new[]
                 {
                     ("floorpay_gateway_grpc_requests_total", "counter"), ("floorpay_payouts_total", "counter"),
                     ("floorpay_enrollments_total", "counter"),
                     ("floorpay_gateway_grpc_request_duration_seconds", "histogram"), ("floorpay_ledger_commit_duration_seconds", "histogram"),
                     ("orleans_catalog_activations", "gauge"),
                     ("dotnet_gc_pause_time_seconds_total", "counter"), ("dotnet_thread_pool_threads", "gauge"),
                 })
            Assert.Contains($"# TYPE {family} {type}\n", scrape);
        Assert.DoesNotContain("microsoft_orleans_", scrape);
        Assert.DoesNotContain("private_internaldiagnostics", scrape);

        var (exitCode, output) = await PromtoolAsync("check metrics", scrape);
        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {exitCode}\n{output}");
    }

    [Fact]
    public async Task An_instrument_prometheus_cannot_take_is_left_out_without_failing_the_code_that_records_it()
    {
        // A counter and an up-down counter that map to one Prometheus name: the second cannot be exported (one name, one
        // type). Recording on it happens inside a payout or a commit, so it must not throw, and the first keeps going.
        using var first = new System.Diagnostics.Metrics.Meter("FloorPay");
        using var second = new System.Diagnostics.Metrics.Meter("FloorPay");
        var kept = first.CreateCounter<long>("test.kind_clash");
        var clashing = second.CreateUpDownCounter<long>("test.kind_clash_total");
        kept.Add(2);
        clashing.Add(1);
        clashing.Add(1);
        kept.Add(3);

        var scrape = await ScrapeAsync();
        Assert.Contains("# TYPE floorpay_test_kind_clash_total counter\n", scrape);
        Assert.Equal(5, Value(scrape, "floorpay_test_kind_clash_total"));
    }

    /// <summary>Runs promtool (Debian's prometheus package; ./scripts/test.sh installs it) with <paramref name="input"/> on stdin.</summary>
    private static async Task<(int ExitCode, string Output)> PromtoolAsync(string arguments, string input)
    {
        var start = new System.Diagnostics.ProcessStartInfo("promtool", arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_without_a_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await _server.Management.GetAsync("/health/live")).StatusCode);
        var ready = await _server.Management.GetAsync("/health/ready");
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("storage: Healthy", body);
        Assert.Contains("cluster: Healthy", body);
    }
}

/// <summary>Readiness follows the storage: when PostgreSQL refuses connections the node says it is not ready, and recovers.</summary>
public sealed class ReadinessOnPostgres : IAsyncLifetime
{
    private FloorPayServer _server = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.NewDatabaseAsync();
        _database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;
        _server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Storage:Provider"] = "PostgreSql",
            ["FloorPay:Storage:ConnectionString"] = connectionString,
        }));
    }

    public async Task DisposeAsync()
    {
        await AllowConnectionsAsync(true);
        await _server.DisposeAsync();
    }

    private async Task AllowConnectionsAsync(bool allow)
    {
        await using var admin = new Npgsql.NpgsqlConnection(TestPostgres.Server);
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = $"ALTER DATABASE {_database} WITH ALLOW_CONNECTIONS {(allow ? "true" : "false")};" +
                              (allow ? "" : $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_database}';");
        await command.ExecuteNonQueryAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    [Fact]
    public async Task Readiness_fails_while_the_database_refuses_connections_and_liveness_does_not()
    {
        Assert.Equal(HttpStatusCode.OK, (await _server.Management.GetAsync("/health/ready")).StatusCode);
        await AllowConnectionsAsync(false);
        var down = await Eventually.Satisfies(() => _server.Management.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
            "readiness to fail");
        Assert.Contains("storage: Unhealthy", await down.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _server.Management.GetAsync("/health/live")).StatusCode);

        await AllowConnectionsAsync(true);
        await Eventually.Satisfies(() => _server.Management.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "readiness to recover",
            TimeSpan.FromSeconds(30));
    }
}

/// <summary>Outstanding instructions per bank: what a bank still has to settle or return, recounted by every silo.</summary>
public sealed class OutstandingInstructionsMetric : IAsyncLifetime
{
    // A bank of its own: the gauges are process-wide and other test servers export their banks' counts too.
    private readonly string _bank = $"bank-m{Guid.NewGuid():N}"[..16];
    private const string Key = "test-metrics-bank-key";
    private FloorPayServer _server = null!;

    public async Task InitializeAsync()
    {
        var participants = new Dictionary<string, string?>
        {
            ["FloorPay:Metrics:OutstandingRefresh"] = "00:00:00.2",
            ["FloorPay:Participants:0:Id"] = _bank, ["FloorPay:Participants:0:Role"] = "bank",
            ["FloorPay:Participants:0:BankId"] = _bank, ["FloorPay:Participants:0:ApiKey"] = Key,
        };
        _server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(participants));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(double Count, double Amount)> ScrapeAsync()
    {
        var metrics = await _server.Management.GetStringAsync("/metrics");
        double Value(string metric) => metrics.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains($"bank=\"{_bank}\"", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1).First();
        return (Value("floorpay_instructions_outstanding"), Value("floorpay_instructions_outstanding_amount_minor_units"));
    }

    [Fact]
    public async Task The_gauge_counts_what_the_bank_has_not_settled_and_falls_as_it_settles()
    {
        var bank = _server.As(Key);
        var payouts = new List<PayoutReceipt>();
        for (var i = 0; i < 3; i++)
        {
            var citizen = $"c-om-{Guid.NewGuid():N}"[..20];
            payouts.Add((await bank.Citizens.EnrollAsync(new EnrollRequest
            {
                IdempotencyKey = citizen, CitizenId = citizen, RegionId = "R-NORTH",
                PayoutAccount = new PayoutAccount { BankId = _bank, AccountToken = $"tok-{citizen}" },
            })).FirstPayout);
        }
        var amount = payouts.Sum(p => p.Amount.MinorUnits);

        var before = await Eventually.Satisfies(ScrapeAsync, m => m.Count == 3, "three outstanding instructions");
        Assert.Equal(amount, before.Amount);

        await bank.Instructions.ConfirmSettlementAsync(new ConfirmSettlementRequest { InstructionIds = { payouts[0].PayoutId, payouts[1].PayoutId } });
        var after = await Eventually.Satisfies(ScrapeAsync, m => m.Count == 1, "one left after two settled");
        Assert.Equal(payouts[2].Amount.MinorUnits, after.Amount);

        await bank.Instructions.ConfirmSettlementAsync(new ConfirmSettlementRequest { InstructionIds = { payouts[2].PayoutId } });
        var none = await Eventually.Satisfies(ScrapeAsync, m => m.Count == 0, "none left: reported as zero, not dropped");
        Assert.Equal(0, none.Amount);
    }
}
