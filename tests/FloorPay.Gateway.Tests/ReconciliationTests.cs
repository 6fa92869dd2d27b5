using Microsoft.Data.Sqlite;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// The auditor's reconciliation through the public API: it passes on an honest ledger, finds a missing acknowledged
/// payout, and catches a journal and aggregates that were tampered with behind FloorPay's back. One server of its own,
/// on SQLite and on PostgreSQL.
/// </summary>
public abstract class ReconciliationContract : IAsyncLifetime
{
    private FloorPayServer _server = null!;

    protected abstract Task<FloorPayServer> StartAsync();

    protected abstract Task ExecuteSqlAsync(FloorPayServer server, string sql);

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<ReconciliationReport> ReconcileAsync(params string[] acknowledged)
    {
        var request = new ReconcileRequest();
        request.AcknowledgedPayoutIds.AddRange(acknowledged);
        return _server.As(ApiKeys.Auditor).Audit.ReconcileAsync(request).ResponseAsync;
    }

    private async Task<double> ReconciliationsAsync(string outcome)
    {
        var line = (await _server.Management.GetStringAsync("/metrics")).Split('\n')
            .FirstOrDefault(l => l.StartsWith("floorpay_reconciliation_runs_total{", StringComparison.Ordinal) && l.Contains($"outcome=\"{outcome}\"", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task An_honest_ledger_reconciles_and_tampering_is_caught()
    {
        var bank = _server.As(ApiKeys.BankA).Citizens;
        var receipts = await Task.WhenAll(Enumerable.Range(0, 25).Select(async i =>
        {
            var enroll = Requests.Enroll(Ids.Citizen(), region: i % 2 == 0 ? "R-NORTH" : "R-SOUTH");
            return (await Steps.Retrying(() => bank.EnrollAsync(enroll).ResponseAsync)).FirstPayout;
        }));

        // An appeal upheld with a correction is a payout too: it must reconcile like the others.
        var appeal = await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(new FileAppealRequest
        {
            IdempotencyKey = "appeal-1", CitizenId = receipts[0].CitizenId, DecisionId = receipts[0].PayoutId, Ground = "amount-wrong",
        });
        var resolved = await _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(new ResolveAppealRequest
        {
            IdempotencyKey = "resolve-1", CitizenId = receipts[0].CitizenId, AppealId = appeal.AppealId, Outcome = AppealOutcome.Upheld,
            Reason = "underpaid", CorrectiveAmount = Requests.Money(777),
        });
        var history = await _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = receipts[0].CitizenId });
        Assert.Equal("underpaid", Assert.Single(history.Appeals).ResolutionReason);

        var (passedBefore, failedBefore) = (await ReconciliationsAsync("passed"), await ReconciliationsAsync("failed"));
        var honest = await ReconcileAsync(receipts.Select(r => r.PayoutId).Append(resolved.CorrectivePayout.PayoutId).ToArray());
        Assert.True(honest.Passed, string.Join("\n", honest.Checks.Select(c => $"{c.Name}: {c.Passed} {c.Detail}")));
        // Counted for the FloorPayReconciliationFailing alert (process-wide counters: other tests only add to them).
        Assert.True(await ReconciliationsAsync("passed") > passedBefore, "the passed reconciliation is counted");
        Assert.Equal(26, honest.Payouts);
        Assert.Equal(receipts.Sum(r => r.Amount.MinorUnits) + 777, honest.TotalPaid.MinorUnits);

        var missing = await ReconcileAsync(receipts[0].PayoutId, "nobody:floor:2026-11");
        Assert.False(missing.Passed);
        Assert.Contains("nobody:floor:2026-11", Assert.Single(missing.Checks, c => !c.Passed).Detail);

        // Behind FloorPay's back: an unbalanced journal leg without a payout (the payouts, and so the aggregates, agree).
        await ExecuteSqlAsync(_server, "INSERT INTO floorpay_journal (posting_id, leg, account, amount) VALUES ('rogue', 1, 'fund:national', -5)");
        var tampered = await ReconcileAsync();
        Assert.False(tampered.Passed);
        Assert.Contains(tampered.Checks, c => c.Name == "journal balances to zero" && !c.Passed);
        Assert.Contains(tampered.Checks, c => c.Name == "every payout is posted in the journal" && !c.Passed);
        Assert.Contains(tampered.Checks, c => c.Name == "region aggregates equal the ledger" && c.Passed);
        Assert.True(await ReconciliationsAsync("failed") >= failedBefore + 2, "the missing-payout and tampered reconciliations are counted as failed");

        // Then a tally with no payout behind it: the aggregates no longer equal a full count of the payouts.
        await ExecuteSqlAsync(_server, "INSERT INTO floorpay_region_tallies (region_id, kind, period, shard, payouts, amount, enrollments) " +
                                       "VALUES ('R-NORTH', 'floor', '1999-01', 99, 1, 5, 0)");
        var inflated = await ReconcileAsync();
        Assert.Contains("R-NORTH Floor 1999-01: 1 payouts / 5, ledger 0 / 0",
            Assert.Single(inflated.Checks, c => c.Name == "region aggregates equal the ledger" && !c.Passed).Detail);
        Assert.Contains(inflated.Checks, c => c.Name == "fund aggregates equal the ledger" && !c.Passed);
    }

    [Fact]
    public async Task A_dividend_claim_beyond_the_citizens_accrual_is_caught()
    {
        var citizen = (await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(Ids.Citizen()))).CitizenId;
        var honest = await ReconcileAsync();
        Assert.Contains(honest.Checks, c => c.Name == "no citizen's dividend claims exceed what it accrued since enrolling" && c.Passed);

        // Behind FloorPay's back: a dividend paid to a citizen when no dividend was ever declared.
        await ExecuteSqlAsync(_server, "INSERT INTO floorpay_payouts (payout_id, citizen_id, kind, slot, period, amount, currency, reason_code, " +
                                       "region_id, bank_id, account_token, idempotency_key, fingerprint, enrollment, paid_at_ticks, bucket) VALUES " +
                                       $"('{citizen}:dividend:0', '{citizen}', 'dividend', '0', '2026-11', 5000, 'EUR', 'DIVIDEND_CLAIM@policy-v1', " +
                                       "'R-NORTH', 'bank-a', 'tok', 'rogue-claim', 'x', false, 1, 0)");
        var tampered = await ReconcileAsync();
        Assert.Contains($"{citizen}: claimed 5000, accrued 0",
            Assert.Single(tampered.Checks, c => c.Name == "no citizen's dividend claims exceed what it accrued since enrolling" && !c.Passed).Detail);
    }

    [Fact]
    public async Task A_correction_no_approved_appeal_ordered_is_caught()
    {
        var enrolled = await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(Ids.Citizen()));
        var citizen = enrolled.CitizenId;
        var appeal = await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(new FileAppealRequest
        {
            IdempotencyKey = "appeal-1", CitizenId = citizen, DecisionId = enrolled.FirstPayout.PayoutId, Ground = "amount-wrong",
        });
        await _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(new ResolveAppealRequest
        {
            IdempotencyKey = "resolve-1", CitizenId = citizen, AppealId = appeal.AppealId, Outcome = AppealOutcome.Upheld,
            Reason = "underpaid", CorrectiveAmount = Requests.Money(777),
        });
        var honest = await ReconcileAsync();
        Assert.Contains(honest.Checks, c => c.Name == "every correction is within an approved appeal" && c.Passed);

        // Behind FloorPay's back: a correction for an appeal number that was never filed.
        await ExecuteSqlAsync(_server, "INSERT INTO floorpay_payouts (payout_id, citizen_id, kind, slot, period, amount, currency, reason_code, " +
                                       "region_id, bank_id, account_token, idempotency_key, fingerprint, enrollment, paid_at_ticks, bucket) VALUES " +
                                       $"('{citizen}:correction:7', '{citizen}', 'correction', '7', '2026-11', 900000, 'EUR', 'APPEAL_UPHELD@policy-v1', " +
                                       "'R-NORTH', 'bank-a', 'tok', 'rogue-correction', 'x', false, 1, 0)");
        var tampered = await ReconcileAsync();
        Assert.Contains("1 corrections", Assert.Single(tampered.Checks, c => c.Name == "every correction is within an approved appeal" && !c.Passed).Detail);

        // And a re-issue of a payment the bank never returned: the citizen would be paid twice.
        Assert.Contains(tampered.Checks, c => c.Name == "no payment is both returned and settled, or settled twice" && c.Passed);
        var payout = enrolled.FirstPayout.PayoutId;
        await ExecuteSqlAsync(_server, "INSERT INTO floorpay_instructions (instruction_id, bank_id, sequence, kind, payout_id, citizen_id, account_token, " +
                                       "amount, currency, period, reason_code, reissue_of, issued_at_ticks) VALUES " +
                                       $"('{payout}:reissue:1', 'bank-a', 999, 'floor', '{payout}', '{citizen}', 'tok', 100, 'EUR', '2026-11', 'x', '{payout}', 1)");
        var reissued = await ReconcileAsync();
        Assert.Contains("1 re-issues", Assert.Single(reissued.Checks, c => c.Name == "no payment is both returned and settled, or settled twice" && !c.Passed).Detail);
    }

    [Fact]
    public async Task Only_auditors_reconcile_and_oversized_requests_are_refused()
    {
        foreach (var key in new[] { ApiKeys.BankA, ApiKeys.Treasury, ApiKeys.Reviewer, ApiKeys.Platform })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => _server.As(key).Audit.ReconcileAsync(new ReconcileRequest()).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        }
        var tooMany = new ReconcileRequest();
        tooMany.AcknowledgedPayoutIds.AddRange(Enumerable.Range(0, 10_001).Select(i => $"p{i}"));
        var refused = await Assert.ThrowsAsync<RpcException>(() => _server.As(ApiKeys.Auditor).Audit.ReconcileAsync(tooMany).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }
}

public sealed class ReconciliationOnSqlite : ReconciliationContract
{
    protected override Task<FloorPayServer> StartAsync() => FloorPayServer.StartAsync();

    protected override async Task ExecuteSqlAsync(FloorPayServer server, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={server.DatabaseFile};Default Timeout=30");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class ReconciliationOnPostgres : ReconciliationContract
{
    private string _connectionString = "";

    protected override async Task<FloorPayServer> StartAsync()
    {
        _connectionString = await TestPostgres.NewDatabaseAsync();
        return await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Storage:Provider"] = "PostgreSql",
            ["FloorPay:Storage:ConnectionString"] = _connectionString,
        }));
    }

    protected override async Task ExecuteSqlAsync(FloorPayServer server, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
