using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// The hash-chained audit trail through its public interface: a node seals what it commits, `audit export` writes it
/// out, `audit verify` (the independent verifier) passes an untampered export with reconciliation's totals and names
/// each entry an operator edited, deleted, inserted or reordered directly in the database.
/// </summary>
public sealed class AuditTrailTests
{
    private static string SiloDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // .../bin/<Configuration>/net10.0/
            var dll = Path.Combine(KubernetesManifestTests.RepositoryRoot, "silo", "FloorPay.Silo", "bin", configuration, "net10.0", "FloorPay.Silo.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build the solution first", dll);
        }
    }

    private static async Task<(int ExitCode, string Output)> Cli(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SiloDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task Verify_passes_an_untampered_export_and_names_each_entry_edited_deleted_inserted_or_reordered_in_the_database(string provider)
    {
        var work = FloorPayServer.NewDataDirectory();
        var dataDirectory = Path.Combine(work, "data");
        using var signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyFile = Path.Combine(work, "signing-key.pem");
        await File.WriteAllTextAsync(keyFile, signingKey.ExportPkcs8PrivateKeyPem());
        var publicKeyFile = Path.Combine(work, "public-key.pem"); // the auditor's own copy, not the one in the export
        await File.WriteAllTextAsync(publicKeyFile, signingKey.ExportSubjectPublicKeyInfoPem());
        var settings = new Dictionary<string, string?>
        {
            ["FloorPay:Storage:Provider"] = provider,
            ["FloorPay:Storage:DataDirectory"] = dataDirectory,
            ["FloorPay:Audit:SigningKeyFile"] = keyFile,
            ["FloorPay:Dividends:EligibilityGrace"] = "00:00:00.200",
        };
        if (provider == "PostgreSql") settings["FloorPay:Storage:ConnectionString"] = await TestPostgres.NewDatabaseAsync();

        // A node pays, records contributions and an appeal; it seals on its timer and once more as it stops.
        string[] payouts;
        string[] contributions;
        ReconciliationReport reconciled;
        await using (var server = await FloorPayServer.StartAsync(dataDirectory, b => b.Configuration.AddInMemoryCollection(settings)))
        {
            var enrolled = new List<EnrollResponse>();
            for (var i = 0; i < 6; i++) enrolled.Add((await Steps.Retrying(() => server.EnrollNewCitizen(region: i % 2 == 0 ? "R-NORTH" : "R-EAST"))).Response);
            payouts = enrolled.Select(e => e.FirstPayout.PayoutId).ToArray();
            var platform = server.As(ApiKeys.Platform).Contributions;
            contributions = new string[2];
            for (var i = 0; i < 2; i++)
                contributions[i] = (await Steps.Retrying(() => platform.RecordContributionAsync(Requests.Contribution(enrolled[i].CitizenId)).ResponseAsync)).ContributionId;
            await Steps.Retrying(() => server.As(ApiKeys.BankA).Appeals.FileAppealAsync(new FileAppealRequest
            {
                IdempotencyKey = Ids.Key("appeal"), CitizenId = enrolled[0].CitizenId, DecisionId = payouts[0], Ground = "amount-wrong",
            }).ResponseAsync);
            await server.As(ApiKeys.Treasury).Funds.RecordInflowAsync(Requests.Inflow(500_000)); // administrative acts
            var dividend = await server.As(ApiKeys.Treasury).Funds.DeclareDividendAsync(Requests.Dividend(60_000));
            Assert.True(dividend.Final && dividend.EligibleCount == 6, dividend.ToString());
            reconciled = await server.As(ApiKeys.Auditor).Audit.ReconcileAsync(new ReconcileRequest()).ResponseAsync;
            Assert.True(reconciled.Passed);
            await server.StopAsync();
        }

        var store = settings.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}").ToArray();
        var round = 0;
        async Task<(int ExitCode, string Output)> ExportAndVerify(string? publicKey = null)
        {
            var directory = Path.Combine(work, $"export-{++round}");
            var export = await Cli(["audit", "export", "--out", directory, .. store]);
            Assert.True(export.ExitCode == 0, export.Output);
            return await Cli(["audit", "verify", directory, "--public-key", publicKey ?? publicKeyFile]);
        }

        var clean = await ExportAndVerify();
        Assert.True(clean.ExitCode == 0, clean.Output);
        // The treasury's inflow is chained with the ledger, naming who recorded it.
        var cleanEntries = await File.ReadAllTextAsync(Path.Combine(work, "export-1", "entries.jsonl"));
        Assert.Contains("\"chain\":\"floorpay_admin_acts\"", cleanEntries);
        Assert.Contains("kind=inflow.recorded\\tactor=treasury", cleanEntries);
        Assert.Contains("PASSED", clean.Output);
        // The verifier's totals, from the entries alone, are reconciliation's.
        Assert.Contains($"payouts: {reconciled.Payouts}, paid {reconciled.TotalPaid.MinorUnits} minor units", clean.Output);
        Assert.Contains("region R-NORTH: 3 payouts", clean.Output);
        Assert.Contains("3 enrollments", clean.Output);
        // The dividend's eligible count, recounted from the enrollments stamped before its cutoff; the fund's balance.
        Assert.Contains("dividend 1: 6 eligible, recounted from the enrollments 6, 10000 each", clean.Output);
        Assert.Contains($"fund: inflows recorded as acts 500000, paid out {reconciled.TotalPaid.MinorUnits}", clean.Output);

        // Signed by another key, the checkpoints do not verify.
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var otherKey = Path.Combine(work, "other-public-key.pem");
            await File.WriteAllTextAsync(otherKey, other.ExportSubjectPublicKeyInfoPem());
            var forged = await ExportAndVerify(otherKey);
            Assert.Equal(1, forged.ExitCode);
            Assert.Contains("signature does not verify", forged.Output);
        }

        // An operator who owns the database drops its append-only rules, then edits history. Each change is named.
        await using var db = await OpenAsync(provider, settings);
        if (provider == "Sqlite")
            foreach (var trigger in await ReadAsync(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
                await ExecuteAsync(db, $"DROP TRIGGER \"{trigger}\"");
        else
            await ExecuteAsync(db, "ALTER TABLE floorpay_payouts DISABLE TRIGGER USER; ALTER TABLE floorpay_contributions DISABLE TRIGGER USER; " +
                                   "ALTER TABLE floorpay_admin_acts DISABLE TRIGGER USER");

        await ExecuteAsync(db, $"UPDATE floorpay_payouts SET amount = amount + 100 WHERE payout_id = '{payouts[1]}'");
        var edited = await ExportAndVerify();
        Assert.Equal(1, edited.ExitCode);
        Assert.Contains($"FAILED: 1 finding(s); first: edited: floorpay_payouts {payouts[1]}", edited.Output);

        await ExecuteAsync(db, $"DELETE FROM floorpay_contributions WHERE contribution_id = '{contributions[1]}'");
        var deleted = await ExportAndVerify();
        Assert.Contains($"deleted: floorpay_contributions {contributions[1]}", deleted.Output);

        // Inserted into history: a contribution dated a day before the one it copies, in no chain.
        await ExecuteAsync(db, "INSERT INTO floorpay_contributions (contribution_id, citizen_id, category, minutes, period, platform_id, reason_code, " +
                               "idempotency_key, fingerprint, recorded_at_ticks) SELECT 'forged-1', citizen_id, category, minutes, period, platform_id, " +
                               $"reason_code, 'forged-key', fingerprint, recorded_at_ticks - 864000000000 FROM floorpay_contributions WHERE contribution_id = '{contributions[0]}'");
        var inserted = await ExportAndVerify();
        Assert.Contains("inserted: floorpay_contributions forged-1", inserted.Output);

        // An administrative act edited: the inflow's amount.
        await ExecuteAsync(db, "UPDATE floorpay_admin_acts SET amount = 1 WHERE kind = 'inflow.recorded'");
        var act = (await ReadAsync(db, "SELECT act_id FROM floorpay_admin_acts WHERE kind = 'inflow.recorded'")).Single();
        Assert.Contains($"edited: floorpay_admin_acts act/{act}", (await ExportAndVerify()).Output);

        // Reordered: the payouts chain's records 2 and 3 swap places.
        var second = (await ReadAsync(db, "SELECT entry_key FROM floorpay_audit_chain WHERE chain_id = 'floorpay_payouts' AND seq = 3")).Single();
        await ExecuteAsync(db, "UPDATE floorpay_audit_chain SET seq = -1 WHERE chain_id = 'floorpay_payouts' AND seq = 2");
        await ExecuteAsync(db, "UPDATE floorpay_audit_chain SET seq = 2 WHERE chain_id = 'floorpay_payouts' AND seq = 3");
        await ExecuteAsync(db, "UPDATE floorpay_audit_chain SET seq = 3 WHERE chain_id = 'floorpay_payouts' AND seq = -1");
        var reordered = await ExportAndVerify();
        Assert.Contains($"reordered: floorpay_payouts {second}", reordered.Output);
        Assert.Equal(1, reordered.ExitCode);
    }

    [Fact]
    public async Task With_the_seal_timer_off_a_stopping_node_still_seals_what_it_committed()
    {
        var dataDirectory = FloorPayServer.NewDataDirectory();
        await using (var server = await FloorPayServer.StartAsync(dataDirectory, b => b.Configuration["FloorPay:Audit:SealInterval"] = "00:00:00"))
        {
            for (var i = 0; i < 3; i++) await Steps.Retrying(() => server.EnrollNewCitizen());
            await server.StopAsync();
        }
        await using var db = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "floorpay.db")};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        var chained = await ReadAsync(db, "SELECT entry_key FROM floorpay_audit_chain WHERE chain_id = 'floorpay_payouts'");
        Assert.Equal(3, chained.Count);
        Assert.Single(await ReadAsync(db, "SELECT payload FROM floorpay_audit_checkpoints"));
        Directory.Delete(dataDirectory, recursive: true);
    }

    /// <summary>
    /// The verifier's recount on its own: an export whose every hash holds, but whose dividend records one eligible citizen
    /// more than the enrollments stamped before its cutoff (a fund state edited before its act was written), fails.
    /// </summary>
    [Fact]
    public void Verify_recounts_each_dividend_s_eligible_citizens_from_the_enrollments_before_its_cutoff()
    {
        var directory = FloorPayServer.NewDataDirectory();
        var cutoff = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        string Payout(int n, DateTimeOffset at) =>
            $"table=floorpay_payouts\tpayout_id=p-{n}\tkind=floor\tamount=1000\tregion_id=R-NORTH\tenrollment=1\tpaid_at_ticks={at.UtcTicks}";
        string Declared(long eligible) =>
            "table=floorpay_admin_acts\tact_id=national:dividend:1:declared\tkind=dividend.declared\tactor=treasury\tsubject=national\t" +
            $"amount=900\tdetail=dividend=1 eligible={eligible} per_capita={900 / eligible} remainder={900 % eligible} eligible_before={cutoff:O}\tat_ticks={cutoff.UtcTicks}";
        List<string> Lines(long eligible)
        {
            var lines = new List<string>();
            void Chain(string chain, IEnumerable<(string Key, string Content)> records)
            {
                var prev = new string('0', 64);
                var seq = 0;
                foreach (var (key, content) in records)
                {
                    var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(prev + "\n" + content)));
                    lines.Add(System.Text.Json.JsonSerializer.Serialize(new { chain, seq = ++seq, table = chain, key, prev, hash, content }));
                    prev = hash;
                }
            }
            // Two enrollments before the cutoff, one at it (not before), one after.
            Chain("floorpay_payouts", new[] { -2, -1, 0, 5 }.Select((minutes, i) => ($"p-{i}", Payout(i, cutoff.AddMinutes(minutes)))));
            Chain("floorpay_admin_acts", [("act/national:dividend:1:declared", Declared(eligible))]);
            return lines;
        }
        File.WriteAllText(Path.Combine(directory, "checkpoints.jsonl"), "");

        File.WriteAllLines(Path.Combine(directory, "entries.jsonl"), Lines(eligible: 2));
        var honest = FloorPay.AuditVerifier.AuditVerification.Verify(directory, null);
        Assert.True(honest.Passed, string.Join("\n", honest.Findings));
        Assert.Equal((1L, 2L, 2L, 450L), honest.Aggregates.Dividends.Single());

        File.WriteAllLines(Path.Combine(directory, "entries.jsonl"), Lines(eligible: 3));
        var inflated = FloorPay.AuditVerifier.AuditVerification.Verify(directory, null);
        Assert.Equal(["edited: dividend 1 (national:dividend:1:declared) records 3 eligible, but 2 enrollments were stamped before its cutoff"], inflated.Findings);
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<DbConnection> OpenAsync(string provider, Dictionary<string, string?> settings)
    {
        DbConnection connection = provider == "Sqlite"
            ? new SqliteConnection($"Data Source={Path.Combine(settings["FloorPay:Storage:DataDirectory"]!, "floorpay.db")};Pooling=False")
            : new NpgsqlConnection(settings["FloorPay:Storage:ConnectionString"]);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ReadAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }
}
