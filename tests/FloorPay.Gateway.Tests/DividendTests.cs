namespace FloorPay.Gateway.Tests;

/// <summary>
/// Rule 7: a declared dividend accrues the same per-capita amount to every citizen enrolled before it, paid on claim, once.
/// The calendar is moved forward a minute between enrollments and declarations, so a citizen enrolled "before" is so by any
/// reasonable eligibility cutoff, without the test sleeping.
/// </summary>
[Collection(TimeTravelCollection.Name)]
public sealed class DividendTests(TimeTravelServerFixture fixture)
{
    private const long DeclaredTotal = 1_000_000_000;
    private static readonly TimeSpan Later = TimeSpan.FromMinutes(1);
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task Citizens_enrolled_before_a_declaration_accrue_it_and_claim_it_once()
    {
        var (before, _) = await _server.EnrollNewCitizen();
        var treasury = _server.As(ApiKeys.Treasury).Funds;
        var bank = _server.As(ApiKeys.BankA).Payouts;
        await treasury.RecordInflowAsync(Requests.Inflow(2 * DeclaredTotal));
        var fundBefore = await _server.Fund();
        fixture.Time.Advance(Later);

        var declaration = await treasury.DeclareDividendAsync(Requests.Dividend(DeclaredTotal));
        var (after, _) = await _server.EnrollNewCitizen();

        Assert.False(declaration.Replayed);
        Assert.True(declaration.EligibleCount >= 1, $"the citizen enrolled before the declaration is eligible; eligible = {declaration.EligibleCount}");
        Assert.True(declaration.PerCapita.MinorUnits > 0);
        Assert.Equal(DeclaredTotal, declaration.PerCapita.MinorUnits * declaration.EligibleCount + declaration.Remainder.MinorUnits);
        Assert.Equal(fundBefore.DividendIndex + declaration.PerCapita.MinorUnits, declaration.CumulativeIndex);

        // The only declaration since `before` enrolled is this one (this collection runs one test at a time).
        var accrued = (await _server.Statement(before)).DividendsAccrued;
        Assert.Equal(declaration.PerCapita, accrued);
        // Enrolled after the declaration: nothing from it, and nothing to claim.
        Assert.Equal(0, (await _server.Statement(after)).DividendsAccrued.MinorUnits);
        await Expect.Status(StatusCode.FailedPrecondition, bank.ClaimDividendsAsync(Requests.Claim(after)));

        var claim = Requests.Claim(before);
        var receipt = await bank.ClaimDividendsAsync(claim);
        Assert.Equal(PayoutKind.Dividend, receipt.Kind);
        Assert.Equal(accrued, receipt.Amount);
        Assert.StartsWith("DIVIDEND_CLAIM@policy-v", receipt.ReasonCode);
        Assert.False(receipt.Replayed);

        var replay = await bank.ClaimDividendsAsync(claim);
        Assert.True(replay.Replayed);
        Assert.Equal(receipt.PayoutId, replay.PayoutId);
        Assert.Equal(receipt.Amount, replay.Amount);
        await Expect.Status(StatusCode.FailedPrecondition, bank.ClaimDividendsAsync(Requests.Claim(before)));

        var statement = await _server.Statement(before);
        Assert.Equal(0, statement.DividendsAccrued.MinorUnits);
        Assert.Equal(receipt.Amount, statement.DividendsPaid);
        Assert.Equal(2, statement.Payouts.Count);
        Assert.Equal(receipt.PayoutId, Assert.Single(statement.Payouts, p => p.Kind == PayoutKind.Dividend).PayoutId);
        Assert.Single((await _server.Statement(after)).Payouts);

        var fund = await Eventually.Satisfies(_server.Fund,
            f => f.DividendOutflows.MinorUnits >= fundBefore.DividendOutflows.MinorUnits + receipt.Amount.MinorUnits,
            "the claimed dividend reaching the fund's dividend outflows");
        Assert.Equal(fundBefore.DividendsDeclared.MinorUnits + DeclaredTotal, fund.DividendsDeclared.MinorUnits);
        Assert.Equal(declaration.CumulativeIndex, fund.DividendIndex);
    }

    [Fact]
    public async Task A_dividend_is_declared_only_from_AI_dividend_money_the_fund_has_received()
    {
        await _server.EnrollNewCitizen();
        var treasury = _server.As(ApiKeys.Treasury).Funds;
        var before = await _server.Fund();
        var available = before.AvailableForDividends.MinorUnits;

        await Expect.Status(StatusCode.FailedPrecondition, treasury.DeclareDividendAsync(Requests.Dividend(available + 1)));
        await Expect.Status(StatusCode.FailedPrecondition, treasury.DeclareDividendAsync(Requests.Dividend(1_000_000_000_000_000)));
        Assert.Equal(before, await _server.Fund());

        // A top-up for the floor is money the fund holds, but not AI-dividend money: it funds no dividend.
        var topUp = Requests.Inflow(5 * DeclaredTotal);
        topUp.Source = "treasury-floor-top-up";
        await treasury.RecordInflowAsync(topUp);
        Assert.Equal(available, (await _server.Fund()).AvailableForDividends.MinorUnits);
        await Expect.Status(StatusCode.FailedPrecondition, treasury.DeclareDividendAsync(Requests.Dividend(available + 1)));

        await treasury.RecordInflowAsync(Requests.Inflow(DeclaredTotal));
        Assert.Equal(available + DeclaredTotal, (await _server.Fund()).AvailableForDividends.MinorUnits);
        fixture.Time.Advance(Later);
        var declaration = await treasury.DeclareDividendAsync(Requests.Dividend(available + DeclaredTotal));
        Assert.True(declaration.EligibleCount > 0);
        // All of it was distributed but the remainder, which stays available.
        Assert.Equal(declaration.Remainder.MinorUnits, (await _server.Fund()).AvailableForDividends.MinorUnits);
        await Expect.Status(StatusCode.FailedPrecondition, treasury.DeclareDividendAsync(Requests.Dividend(declaration.Remainder.MinorUnits + 1)));
    }

    [Fact]
    public async Task A_clock_step_back_between_declarations_does_not_stop_later_dividends()
    {
        await _server.EnrollNewCitizen();
        var treasury = _server.As(ApiKeys.Treasury).Funds;
        await treasury.RecordInflowAsync(Requests.Inflow(3 * DeclaredTotal));
        fixture.Time.Advance(Later);
        var first = await DeclareUntilFinalAsync(treasury, DeclaredTotal);

        // The silo's clock steps back 12 s (more than the 8 s grace): the next cutoff would be earlier than the last.
        fixture.Time.StepBack(TimeSpan.FromSeconds(12));
        var second = await DeclareUntilFinalAsync(treasury, DeclaredTotal);
        Assert.True(second.EligibleBefore.ToDateTimeOffset() >= first.EligibleBefore.ToDateTimeOffset());
        Assert.True(second.DeclaredAt.ToDateTimeOffset() >= first.DeclaredAt.ToDateTimeOffset());
        Assert.Equal(first.CumulativeIndex + second.PerCapita.MinorUnits, second.CumulativeIndex);

        fixture.Time.Advance(Later);
        var third = await DeclareUntilFinalAsync(treasury, DeclaredTotal);
        Assert.Equal(second.Sequence + 1, third.Sequence);
    }

    /// <summary>Sends one declaration until its share is final, as a treasury client would (a resend replays it).</summary>
    private static async Task<DividendDeclaration> DeclareUntilFinalAsync(Funds.FundsClient treasury, long total)
    {
        var request = Requests.Dividend(total);
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 20, "the declaration never became final");
            try
            {
                var d = await treasury.DeclareDividendAsync(request);
                if (d.Final) return d;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted)
            {
                await Task.Delay(200); // a busy node's retryable refusal: resend the same request, as a client would
            }
        }
    }

    [Fact]
    public async Task Accruals_add_up_over_declarations_and_the_floor_is_untouched()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen(region: "R-SOUTH");
        var treasury = _server.As(ApiKeys.Treasury).Funds;
        await treasury.RecordInflowAsync(Requests.Inflow(4 * DeclaredTotal));

        fixture.Time.Advance(Later);
        var first = await treasury.DeclareDividendAsync(Requests.Dividend(DeclaredTotal));
        fixture.Time.Advance(Later);
        var second = await treasury.DeclareDividendAsync(Requests.Dividend(3 * DeclaredTotal));

        var statement = await _server.Statement(citizenId);
        Assert.Equal(first.PerCapita.MinorUnits + second.PerCapita.MinorUnits, statement.DividendsAccrued.MinorUnits);
        Assert.Equal(second.CumulativeIndex - first.CumulativeIndex, second.PerCapita.MinorUnits);
        // Dividends never change the floor (rule 1).
        Assert.Equal(enrolled.FirstPayout, Assert.Single(statement.Payouts));
    }

    [Fact]
    public async Task Another_bank_cannot_claim_a_citizens_dividends()
    {
        var (citizenId, _) = await _server.EnrollNewCitizen();
        fixture.Time.Advance(Later);
        await _server.As(ApiKeys.Treasury).Funds.RecordInflowAsync(Requests.Inflow(DeclaredTotal));
        await _server.As(ApiKeys.Treasury).Funds.DeclareDividendAsync(Requests.Dividend(DeclaredTotal));
        var before = await _server.Statement(citizenId);
        Assert.True(before.DividendsAccrued.MinorUnits > 0);

        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Payouts.ClaimDividendsAsync(Requests.Claim(citizenId)));

        Assert.Equal(before, await _server.Statement(citizenId));
        // The citizen's own bank can claim what bank-b could not.
        var claimed = await _server.As(ApiKeys.BankA).Payouts.ClaimDividendsAsync(Requests.Claim(citizenId));
        Assert.Equal(before.DividendsAccrued, claimed.Amount);
    }

    [Fact]
    public async Task A_declaration_resend_replays_and_a_reused_key_is_refused()
    {
        await _server.EnrollNewCitizen();
        var treasury = _server.As(ApiKeys.Treasury).Funds;
        var request = Requests.Dividend(DeclaredTotal);
        await treasury.RecordInflowAsync(Requests.Inflow(2 * DeclaredTotal));

        var first = await treasury.DeclareDividendAsync(request);
        var again = await treasury.DeclareDividendAsync(request);
        var fundAfterReplay = await _server.Fund();
        var other = request.Clone();
        other.Total.MinorUnits += 1;
        await Expect.Status(StatusCode.AlreadyExists, treasury.DeclareDividendAsync(other));

        Assert.True(again.Replayed);
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal(first.PerCapita, again.PerCapita);
        Assert.Equal(first.CumulativeIndex, again.CumulativeIndex);
        Assert.Equal(first.CumulativeIndex, fundAfterReplay.DividendIndex);
        var fund = await _server.Fund();
        Assert.Equal(fundAfterReplay.DividendIndex, fund.DividendIndex);
        Assert.Equal(fundAfterReplay.DividendsDeclared, fund.DividendsDeclared);
    }

    [Fact]
    public async Task Fifty_concurrent_claims_pay_the_accrual_once()
    {
        var (identical, _) = await _server.EnrollNewCitizen();
        var (differentKeys, _) = await _server.EnrollNewCitizen();
        fixture.Time.Advance(Later);
        await _server.As(ApiKeys.Treasury).Funds.RecordInflowAsync(Requests.Inflow(DeclaredTotal));
        var declaration = await _server.As(ApiKeys.Treasury).Funds.DeclareDividendAsync(Requests.Dividend(DeclaredTotal));
        var bank = _server.As(ApiKeys.BankA).Payouts;

        // 50 identical claims: one payout, one original answer, 49 replays of it.
        var claim = Requests.Claim(identical);
        var receipts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Steps.Retrying(() => bank.ClaimDividendsAsync(claim).ResponseAsync)));
        Assert.Single(receipts.Select(r => r.PayoutId).Distinct());
        Assert.Single(receipts, r => !r.Replayed);
        Assert.All(receipts, r => Assert.Equal(declaration.PerCapita, r.Amount));

        // 50 claims with different keys: one pays, the others find nothing accrued.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            try { return (await Steps.Retrying(() => bank.ClaimDividendsAsync(Requests.Claim(differentKeys)).ResponseAsync)).Amount.MinorUnits; }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition) { return -1L; }
        }));
        Assert.Equal(declaration.PerCapita.MinorUnits, Assert.Single(outcomes, o => o >= 0));

        foreach (var citizenId in new[] { identical, differentKeys })
        {
            var statement = await _server.Statement(citizenId);
            Assert.Single(statement.Payouts, p => p.Kind == PayoutKind.Dividend);
            Assert.Equal(declaration.PerCapita, statement.DividendsPaid);
            Assert.Equal(0, statement.DividendsAccrued.MinorUnits);
        }
    }
}
