namespace FloorPay.Gateway.Tests;

/// <summary>Funds: idempotent inflows (rule 4), outflows and enrollments as the ledger counts them, runway; read by treasury and auditors.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class FundTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task An_inflow_is_recorded_replayed_on_resend_and_refused_for_other_content()
    {
        var treasury = _server.As(ApiKeys.Treasury).Funds;
        var before = await _server.Fund();
        var request = Requests.Inflow(12_345_678);

        var receipt = await treasury.RecordInflowAsync(request);
        Assert.False(receipt.Replayed);
        Assert.Equal(Requests.Fund, receipt.FundId);
        Assert.Equal(request.Source, receipt.Source);
        Assert.Equal(request.Reference, receipt.Reference);
        Assert.Equal(request.Amount, receipt.Amount);
        Assert.False(string.IsNullOrEmpty(receipt.InflowId));

        var replay = await treasury.RecordInflowAsync(request);
        Assert.True(replay.Replayed);
        Assert.Equal(receipt.InflowId, replay.InflowId);
        Assert.Equal(receipt.BalanceAfter, replay.BalanceAfter);
        Assert.Equal(receipt.RecordedAt, replay.RecordedAt);

        var otherAmount = request.Clone();
        otherAmount.Amount.MinorUnits += 1;
        await Expect.Status(StatusCode.AlreadyExists, treasury.RecordInflowAsync(otherAmount));
        var otherReference = request.Clone();
        otherReference.Reference = "another-reference";
        await Expect.Status(StatusCode.AlreadyExists, treasury.RecordInflowAsync(otherReference));

        var after = await _server.Fund();
        Assert.Equal(before.Inflows.MinorUnits + 12_345_678, after.Inflows.MinorUnits);
    }

    [Fact]
    public async Task Fifty_concurrent_identical_inflows_record_one()
    {
        var treasury = _server.As(ApiKeys.Treasury).Funds;
        var before = await _server.Fund();
        var request = Requests.Inflow(777);

        var receipts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Steps.Retrying(() => treasury.RecordInflowAsync(request).ResponseAsync)));

        Assert.Single(receipts.Select(r => r.InflowId).Distinct());
        Assert.Single(receipts, r => !r.Replayed);
        Assert.Equal(before.Inflows.MinorUnits + 777, (await _server.Fund()).Inflows.MinorUnits);
    }

    [Fact]
    public async Task Treasury_and_auditors_read_the_same_fund()
    {
        var byTreasury = await _server.As(ApiKeys.Treasury).Funds.GetFundAsync(new GetFundRequest { FundId = Requests.Fund });
        var byAuditor = await _server.As(ApiKeys.Auditor).Funds.GetFundAsync(new GetFundRequest { FundId = Requests.Fund });

        Assert.Equal(Requests.Fund, byAuditor.FundId);
        Assert.Equal(byTreasury.Inflows, byAuditor.Inflows);
        Assert.Equal(byTreasury.DividendsDeclared, byAuditor.DividendsDeclared);
        Assert.Equal(Requests.Currency, byAuditor.Balance.Currency);
        Assert.Equal((await _server.Policy()).VersionInForce, byAuditor.PolicyVersion);
    }

    [Fact]
    public async Task Enrollments_reach_the_fund_as_floor_outflows_and_enrolled_count()
    {
        var policy = await _server.Policy();
        var before = await _server.Fund();

        var (_, enrolled) = await _server.EnrollNewCitizen();
        await _server.EnrollNewCitizen(bankKey: ApiKeys.BankB, bankId: "bank-b");

        var after = await Eventually.Satisfies(_server.Fund,
            f => f.EnrolledCount >= before.EnrolledCount + 2 &&
                 f.FloorOutflows.MinorUnits >= before.FloorOutflows.MinorUnits + 2 * enrolled.FirstPayout.Amount.MinorUnits,
            "two enrollments reaching the national fund");
        Assert.Equal(after.Inflows.MinorUnits - after.FloorOutflows.MinorUnits - after.DividendOutflows.MinorUnits, after.Balance.MinorUnits);
        // Runway: whole periods of floor for everyone enrolled at the current balance; the alert below the policy's threshold.
        Assert.True(after.HasRunwayPeriods, "someone is enrolled, so the runway is known");
        var expectedRunway = after.Balance.MinorUnits <= 0 ? 0 : after.Balance.MinorUnits / (policy.FloorAmount.MinorUnits * after.EnrolledCount);
        Assert.Equal(expectedRunway, after.RunwayPeriods);
        Assert.Equal(after.RunwayPeriods < policy.LowRunwayAlertPeriods, after.LowRunwayAlert);
    }

    [Fact]
    public async Task An_unknown_fund_is_not_found()
    {
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Treasury).Funds.GetFundAsync(new GetFundRequest { FundId = "no-such-fund" }));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Treasury).Funds.RecordInflowAsync(Requests.Inflow(100, fund: "no-such-fund")));
    }
}
