namespace FloorPay.Gateway.Tests;

/// <summary>GetStatement: the citizen's own bank and any reviewer read everything decided about the citizen.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class StatementTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task The_own_bank_and_a_reviewer_read_the_same_statement()
    {
        var request = Requests.Enroll(Ids.Citizen(), bankId: "bank-b", region: "R-WEST");
        var enrolled = await _server.As(ApiKeys.BankB).Citizens.EnrollAsync(request);

        var byBank = await _server.As(ApiKeys.BankB).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = request.CitizenId });
        var byReviewer = await _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = request.CitizenId });

        Assert.Equal(byBank, byReviewer);
        Assert.Equal(request.CitizenId, byBank.CitizenId);
        Assert.Equal("R-WEST", byBank.RegionId);
        Assert.Equal(request.PayoutAccount, byBank.PayoutAccount);
        Assert.Equal(enrolled.EnrolledAt, byBank.EnrolledAt);
        Assert.True(byBank.Active);
        var payout = Assert.Single(byBank.Payouts);
        Assert.Equal(enrolled.FirstPayout.PayoutId, payout.PayoutId);
        Assert.Equal(enrolled.FirstPayout.Amount, payout.Amount);
        Assert.Equal(enrolled.FirstPayout.ReasonCode, payout.ReasonCode);
        Assert.False(payout.Replayed);
        var current = Assert.Single(byBank.Contributions); // the current period is always shown, here with nothing recorded
        Assert.Equal(payout.Period, current.Period);
        Assert.Equal(0, current.TotalMinutes);
        Assert.StartsWith("QUOTA_OPEN@policy-v", current.StandingReasonCode);
        Assert.Empty(byBank.Exemptions);
        Assert.Equal(Requests.Money(0), byBank.DividendsPaid);
        Assert.Equal(Requests.Currency, byBank.DividendsAccrued.Currency);
    }

    [Fact]
    public async Task The_payout_kind_filter_selects_payouts()
    {
        var (citizenId, _) = await _server.EnrollNewCitizen();
        var reviewer = _server.As(ApiKeys.Reviewer).Citizens;

        var floors = await reviewer.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId, PayoutKind = PayoutKind.Floor });
        var dividends = await reviewer.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId, PayoutKind = PayoutKind.Dividend });

        Assert.Equal(PayoutKind.Floor, Assert.Single(floors.Payouts).Kind);
        Assert.Empty(dividends.Payouts);
    }
}
