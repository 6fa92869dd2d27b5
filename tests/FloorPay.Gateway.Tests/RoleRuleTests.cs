namespace FloorPay.Gateway.Tests;

/// <summary>
/// Rule 11: every (RPC, role) pair outside the role rules is PERMISSION_DENIED and changes nothing; every pair inside them is served.
/// Banks enroll, request payouts, claim dividends and read statements; platforms record contributions and publish opportunities;
/// reviewers grant exemptions and read any statement; treasury records inflows, declares dividends and reads funds; auditors read
/// funds, regions and the policy. Regions are readable by every role but banks (aggregates, per the API contract); the policy by all.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class RoleRuleTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    private static readonly string[] AllRoles = ["bank", "contribution-platform", "treasury", "reviewer", "auditor"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Citizens.Enroll"] = ["bank"],
        ["Citizens.GetStatement"] = ["bank", "reviewer"],
        ["Citizens.ChangePayoutAccount"] = ["bank"],
        ["Citizens.ReleaseAccountHolder"] = ["bank"],
        ["Payouts.RequestFloorPayout"] = ["bank"],
        ["Payouts.ClaimDividends"] = ["bank"],
        ["Contributions.RecordContribution"] = ["contribution-platform"],
        ["Contributions.GrantExemption"] = ["reviewer"],
        ["Funds.RecordInflow"] = ["treasury"],
        ["Funds.DeclareDividend"] = ["treasury"],
        ["Funds.ApproveDividend"] = ["treasury"],
        ["Funds.GetFund"] = ["treasury", "auditor"],
        ["Regions.GetRegion"] = ["contribution-platform", "treasury", "reviewer", "auditor"],
        ["Regions.SetOpenOpportunities"] = ["contribution-platform"],
        ["Policies.GetPolicy"] = AllRoles,
    };

    public static TheoryData<string, string> DeniedPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var (rpc, roles) in Allowed)
            foreach (var role in AllRoles.Except(roles))
                data.Add(rpc, role);
        return data;
    }

    public static TheoryData<string, string> AllowedPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var (rpc, roles) in Allowed)
            foreach (var role in roles)
                data.Add(rpc, role);
        return data;
    }

    [Fact]
    public void The_table_covers_every_rpc_of_the_api()
    {
        var rpcs = new[] { Citizens.Descriptor, Payouts.Descriptor, Contributions.Descriptor, Funds.Descriptor, Regions.Descriptor, Policies.Descriptor }
            .SelectMany(s => s.Methods.Select(m => $"{s.Name}.{m.Name}"));
        Assert.Equal(rpcs.Order(), Allowed.Keys.Order());
        Assert.Equal(51, DeniedPairs().Count());
    }

    [Theory]
    [MemberData(nameof(DeniedPairs))]
    public async Task A_role_outside_the_rules_is_denied_and_changes_nothing(string rpc, string role)
    {
        var (citizenId, _) = await _server.EnrollNewCitizen();
        var fresh = Ids.Citizen();
        var before = await StateSnapshot.Take(_server, citizenId, fresh);

        var e = await Assert.ThrowsAsync<RpcException>(() => Call(rpc, _server.As(ApiKeys.ByRole[role]), citizenId, fresh));

        Assert.True(e.StatusCode == StatusCode.PermissionDenied, $"{role} calling {rpc}: expected PermissionDenied, got {e.StatusCode} ({e.Status.Detail})");
        Assert.Equal(before, await StateSnapshot.Take(_server, citizenId, fresh));
    }

    [Theory]
    [MemberData(nameof(AllowedPairs))]
    public async Task A_role_inside_the_rules_is_served(string rpc, string role)
    {
        var (citizenId, _) = await _server.EnrollNewCitizen();

        await Call(rpc, _server.As(ApiKeys.ByRole[role]), citizenId, Ids.Citizen(), allowedToFailOnState: true);
    }

    /// <summary>
    /// A well-formed call of <paramref name="rpc"/> for bank-a's <paramref name="citizenId"/> (enrollments for <paramref name="freshCitizenId"/>).
    /// With <paramref name="allowedToFailOnState"/>, refusals about the state (a period already paid, nothing accrued) count as served.
    /// </summary>
    private static async Task Call(string rpc, ApiClients api, string citizenId, string freshCitizenId, bool allowedToFailOnState = false)
    {
        try
        {
            switch (rpc)
            {
                case "Citizens.Enroll": await api.Citizens.EnrollAsync(Requests.Enroll(freshCitizenId)); break;
                case "Citizens.GetStatement": await api.Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId }); break;
                case "Citizens.ChangePayoutAccount":
                    await api.Citizens.ChangePayoutAccountAsync(new ChangePayoutAccountRequest
                    {
                        CitizenId = citizenId, IdempotencyKey = Ids.Key("acct"), Account = new PayoutAccount { BankId = "bank-a", AccountToken = Ids.Token() },
                    });
                    break;
                case "Citizens.ReleaseAccountHolder":
                    await api.Citizens.ReleaseAccountHolderAsync(new ReleaseAccountHolderRequest
                    {
                        CitizenId = citizenId, IdempotencyKey = Ids.Key("release"), ToBankId = "bank-b",
                    });
                    break;
                case "Payouts.RequestFloorPayout": await api.Payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId)); break;
                case "Payouts.ClaimDividends": await api.Payouts.ClaimDividendsAsync(Requests.Claim(citizenId)); break;
                case "Contributions.RecordContribution": await api.Contributions.RecordContributionAsync(Requests.Contribution(citizenId)); break;
                case "Contributions.GrantExemption": await api.Contributions.GrantExemptionAsync(Requests.Exemption(citizenId)); break;
                case "Funds.RecordInflow": await api.Funds.RecordInflowAsync(Requests.Inflow(1_000)); break;
                case "Funds.DeclareDividend": await api.Funds.DeclareDividendAsync(Requests.Dividend(1_000_000_000)); break;
                case "Funds.ApproveDividend":
                    await api.Funds.ApproveDividendAsync(new ApproveDividendRequest
                    {
                        IdempotencyKey = Ids.Key("approve"), FundId = Requests.Fund, ProposalId = "national:proposal:999999",
                    });
                    break;
                case "Funds.GetFund": await api.Funds.GetFundAsync(new GetFundRequest { FundId = Requests.Fund }); break;
                case "Regions.GetRegion": await api.Regions.GetRegionAsync(new GetRegionRequest { RegionId = "R-NORTH" }); break;
                case "Regions.SetOpenOpportunities":
                    await api.Regions.SetOpenOpportunitiesAsync(new SetOpenOpportunitiesRequest { RegionId = StateSnapshot.OpportunitiesRegion, Category = "care", OpenCount = 3 });
                    break;
                case "Policies.GetPolicy": await api.Policies.GetPolicyAsync(new GetPolicyRequest()); break;
                default: throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "not in the table");
            }
        }
        catch (RpcException e) when (allowedToFailOnState && e.StatusCode is StatusCode.AlreadyExists or StatusCode.FailedPrecondition)
        {
            // Served: the role passed, the citizen's state answered (the current period is already paid; nothing has accrued).
        }
        catch (RpcException e) when (allowedToFailOnState && rpc == "Funds.ApproveDividend" && e.StatusCode == StatusCode.NotFound)
        {
            // Served: the role passed and the fund looked the proposal up (none is made here: approving a real one would
            // declare a dividend on the shared server). DividendApprovalTests approves real ones.
        }
    }
}
