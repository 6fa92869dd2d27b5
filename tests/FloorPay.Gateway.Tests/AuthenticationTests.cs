namespace FloorPay.Gateway.Tests;

/// <summary>Every FloorPay call needs "authorization: Bearer &lt;known api key&gt;"; otherwise UNAUTHENTICATED and nothing happens.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class AuthenticationTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    public static TheoryData<string> BadCredentials => new()
    {
        "none",
        "unknown-key",
        "empty-bearer",
        "basic-scheme",
        "key-without-scheme",
        "production-style-hash-as-key",
    };

    private CallInvoker Invoker(string credentials) => credentials switch
    {
        "none" => _server.Invoker(null),
        "unknown-key" => _server.Invoker("not-a-key"),
        "empty-bearer" => _server.Invoker(""),
        "basic-scheme" => WithHeader("Basic ZGV2LWJhbmstYTo="),
        "key-without-scheme" => WithHeader(ApiKeys.BankA),
        "production-style-hash-as-key" => _server.Invoker(Auth.ParticipantDirectory.Hash(ApiKeys.BankA)),
        _ => throw new ArgumentOutOfRangeException(nameof(credentials)),
    };

    private CallInvoker WithHeader(string value) =>
        Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(_server.Channel.CreateCallInvoker(), m =>
        {
            m.Add("authorization", value);
            return m;
        });

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Calls_without_a_known_key_are_unauthenticated_and_change_nothing(string credentials)
    {
        var api = new ApiClients(Invoker(credentials));
        var (citizenId, _) = await _server.EnrollNewCitizen();
        var fresh = Ids.Citizen();
        var before = await StateSnapshot.Take(_server, citizenId, fresh);

        await Expect.Status(StatusCode.Unauthenticated, api.Citizens.EnrollAsync(Requests.Enroll(fresh)));
        await Expect.Status(StatusCode.Unauthenticated, api.Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId }));
        await Expect.Status(StatusCode.Unauthenticated, api.Payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId)));
        await Expect.Status(StatusCode.Unauthenticated, api.Payouts.ClaimDividendsAsync(Requests.Claim(citizenId)));
        await Expect.Status(StatusCode.Unauthenticated, api.Contributions.RecordContributionAsync(Requests.Contribution(citizenId)));
        await Expect.Status(StatusCode.Unauthenticated, api.Contributions.GrantExemptionAsync(Requests.Exemption(citizenId)));
        await Expect.Status(StatusCode.Unauthenticated, api.Funds.RecordInflowAsync(Requests.Inflow(1_000)));
        await Expect.Status(StatusCode.Unauthenticated, api.Funds.DeclareDividendAsync(Requests.Dividend(1_000_000)));
        await Expect.Status(StatusCode.Unauthenticated, api.Funds.GetFundAsync(new GetFundRequest { FundId = Requests.Fund }));
        await Expect.Status(StatusCode.Unauthenticated, api.Regions.GetRegionAsync(new GetRegionRequest { RegionId = "R-NORTH" }));
        await Expect.Status(StatusCode.Unauthenticated, api.Regions.SetOpenOpportunitiesAsync(
            new SetOpenOpportunitiesRequest { RegionId = StateSnapshot.OpportunitiesRegion, Category = "care", OpenCount = 99 }));
        await Expect.Status(StatusCode.Unauthenticated, api.Policies.GetPolicyAsync(new GetPolicyRequest()));

        Assert.Equal(before, await StateSnapshot.Take(_server, citizenId, fresh));
    }

    [Fact]
    public async Task Authentication_is_checked_before_input_validation()
    {
        // A malformed request without a key learns nothing about validation: it is UNAUTHENTICATED, not INVALID_ARGUMENT.
        await Expect.Status(StatusCode.Unauthenticated, _server.As(null).Citizens.EnrollAsync(new EnrollRequest()));
        await Expect.Status(StatusCode.Unauthenticated, _server.As("not-a-key").Policies.GetPolicyAsync(new GetPolicyRequest { Version = -1 }));
    }
}
