namespace FloorPay.Gateway.Tests;

/// <summary>Rule 11: a bank reads and acts only for its own account holders, and enrolls only accounts it holds.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class BankIsolationTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task Another_bank_cannot_pay_claim_or_read_for_a_citizen_and_changes_nothing()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        await _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(citizenId));
        var before = await _server.Statement(citizenId);
        var bankB = _server.As(ApiKeys.BankB);

        await Expect.Status(StatusCode.PermissionDenied, bankB.Payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId)));
        await Expect.Status(StatusCode.PermissionDenied, bankB.Payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId, enrolled.FirstPayout.Period)));
        await Expect.Status(StatusCode.PermissionDenied, bankB.Payouts.ClaimDividendsAsync(Requests.Claim(citizenId)));
        var denied = await Expect.Status(StatusCode.PermissionDenied, bankB.Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId }));
        Assert.DoesNotContain(enrolled.FirstPayout.PayoutId, denied.Status.Detail);

        Assert.Equal(before, await _server.Statement(citizenId));
        // (A claim with something accrued: DividendTests.Another_bank_cannot_claim_a_citizens_dividends.)
    }

    [Fact]
    public async Task A_bank_cannot_enroll_an_account_at_another_bank()
    {
        var citizenId = Ids.Citizen();

        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(citizenId, bankId: "bank-b")));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Citizens.EnrollAsync(Requests.Enroll(citizenId, bankId: "bank-a")));

        Assert.False(await StateSnapshot.IsEnrolled(_server, citizenId));
    }

    [Fact]
    public async Task Another_bank_cannot_resend_a_banks_enrollment_nor_take_the_citizen_over()
    {
        var request = Requests.Enroll(Ids.Citizen());
        await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(request);
        var before = await _server.Statement(request.CitizenId);
        var bankB = _server.As(ApiKeys.BankB).Citizens;

        await Expect.Status(StatusCode.PermissionDenied, bankB.EnrollAsync(request));
        await Expect.Status(StatusCode.AlreadyExists, bankB.EnrollAsync(Requests.Enroll(request.CitizenId, bankId: "bank-b")));

        var after = await _server.Statement(request.CitizenId);
        Assert.Equal(before, after);
        Assert.Equal("bank-a", after.PayoutAccount.BankId);
    }
}
