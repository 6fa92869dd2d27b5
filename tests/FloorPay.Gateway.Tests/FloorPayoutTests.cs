namespace FloorPay.Gateway.Tests;

/// <summary>RequestFloorPayout outside the citizen's payable periods is a clear FAILED_PRECONDITION (or NOT_FOUND) that pays nothing.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class FloorPayoutTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task A_future_period_is_a_failed_precondition()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var payouts = _server.As(ApiKeys.BankA).Payouts;

        await Expect.Status(StatusCode.FailedPrecondition, payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId, Periods.Next(enrolled.FirstPayout.Period))));
        await Expect.Status(StatusCode.FailedPrecondition, payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId, Periods.Shift(enrolled.FirstPayout.Period, 24))));

        Assert.Single((await _server.Statement(citizenId)).Payouts);
    }

    [Fact]
    public async Task A_period_before_enrollment_is_a_failed_precondition()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var payouts = _server.As(ApiKeys.BankA).Payouts;

        await Expect.Status(StatusCode.FailedPrecondition, payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId, Periods.Previous(enrolled.FirstPayout.Period))));
        await Expect.Status(StatusCode.FailedPrecondition, payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId, Periods.Shift(enrolled.FirstPayout.Period, -12))));

        Assert.Single((await _server.Statement(citizenId)).Payouts);
    }

    [Fact]
    public async Task A_citizen_who_is_not_enrolled_is_not_found()
    {
        var citizenId = Ids.Citizen();
        var bank = _server.As(ApiKeys.BankA);

        await Expect.Status(StatusCode.NotFound, bank.Payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId)));
        await Expect.Status(StatusCode.NotFound, bank.Payouts.ClaimDividendsAsync(Requests.Claim(citizenId)));
        await Expect.Status(StatusCode.NotFound, bank.Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId }));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(citizenId)));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Contributions.GrantExemptionAsync(Requests.Exemption(citizenId)));
        // None of those calls enrolled it.
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId }));
    }
}
