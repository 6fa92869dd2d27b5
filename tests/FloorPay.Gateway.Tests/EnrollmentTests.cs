namespace FloorPay.Gateway.Tests;

/// <summary>Rules 2 and 4: enrollment pays the current period at once; a resend replays; a reused key with other content is refused.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class EnrollmentTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task Enroll_pays_the_current_periods_floor_at_once()
    {
        var policy = await _server.Policy();
        var citizenId = Ids.Citizen();

        var response = await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(citizenId, region: "R-SOUTH"));

        Assert.Equal(citizenId, response.CitizenId);
        Assert.Equal("R-SOUTH", response.RegionId);
        Assert.False(response.Replayed);
        Assert.NotNull(response.EnrolledAt);
        var payout = response.FirstPayout;
        Assert.Equal(PayoutKind.Floor, payout.Kind);
        Assert.Equal(policy.CurrentPeriod, payout.Period);
        Assert.Equal(policy.FloorAmount, payout.Amount);
        Assert.Equal(policy.Currency, payout.Amount.Currency);
        Assert.StartsWith("FLOOR_ENROLLMENT", payout.ReasonCode);
        Assert.EndsWith($"@policy-v{policy.Version}", payout.ReasonCode);
        Assert.Equal(citizenId, payout.CitizenId);
        Assert.False(string.IsNullOrEmpty(payout.PayoutId));
        Assert.False(payout.Replayed);
        Assert.NotNull(payout.PaidAt);
    }

    [Fact]
    public async Task The_identical_request_again_replays_the_same_receipt()
    {
        var request = Requests.Enroll(Ids.Citizen());
        var bank = _server.As(ApiKeys.BankA).Citizens;

        var first = await bank.EnrollAsync(request);
        var again = await bank.EnrollAsync(request);

        Assert.True(again.Replayed);
        Assert.True(again.FirstPayout.Replayed);
        Assert.Equal(first.FirstPayout.PayoutId, again.FirstPayout.PayoutId);
        Assert.Equal(first.FirstPayout.Amount, again.FirstPayout.Amount);
        Assert.Equal(first.FirstPayout.Period, again.FirstPayout.Period);
        Assert.Equal(first.FirstPayout.ReasonCode, again.FirstPayout.ReasonCode);
        Assert.Equal(first.FirstPayout.PaidAt, again.FirstPayout.PaidAt);
        Assert.Equal(first.EnrolledAt, again.EnrolledAt);
        var statement = await _server.Statement(request.CitizenId);
        Assert.Single(statement.Payouts);
    }

    [Fact]
    public async Task The_same_key_with_other_content_is_refused_and_changes_nothing()
    {
        var request = Requests.Enroll(Ids.Citizen());
        var bank = _server.As(ApiKeys.BankA).Citizens;
        await bank.EnrollAsync(request);
        var before = await _server.Statement(request.CitizenId);

        var otherToken = request.Clone();
        otherToken.PayoutAccount.AccountToken = Ids.Token();
        await Expect.Status(StatusCode.AlreadyExists, bank.EnrollAsync(otherToken));
        var otherRegion = request.Clone();
        otherRegion.RegionId = "R-EAST";
        await Expect.Status(StatusCode.AlreadyExists, bank.EnrollAsync(otherRegion));

        var after = await _server.Statement(request.CitizenId);
        Assert.Equal(before, after);
        Assert.Equal(request.PayoutAccount.AccountToken, after.PayoutAccount.AccountToken);
        Assert.Equal("R-NORTH", after.RegionId);
    }

    [Fact]
    public async Task Enrolling_an_enrolled_citizen_with_a_new_key_is_refused_and_pays_nothing()
    {
        var citizenId = Ids.Citizen();
        var bank = _server.As(ApiKeys.BankA).Citizens;
        var first = await bank.EnrollAsync(Requests.Enroll(citizenId));

        await Expect.Status(StatusCode.AlreadyExists, bank.EnrollAsync(Requests.Enroll(citizenId)));

        var statement = await _server.Statement(citizenId);
        var payout = Assert.Single(statement.Payouts);
        Assert.Equal(first.FirstPayout.PayoutId, payout.PayoutId);
        Assert.True(statement.Active);
        Assert.Equal("bank-a", statement.PayoutAccount.BankId);
    }
}
