using Google.Protobuf.WellKnownTypes;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Rule 12: malformed input gets INVALID_ARGUMENT (an unknown but well-formed region or fund NOT_FOUND), never INTERNAL,
/// and changes nothing. Every case is a well-formed, authorized request with exactly one field spoiled; the state is read
/// back after the refused call.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class BadInputTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    /// <summary>Ids that are not 1-64 characters of [A-Za-z0-9._:-].</summary>
    private static readonly Dictionary<string, string> BadIds = new()
    {
        ["empty"] = "",
        ["65-chars"] = new string('a', 65),
        ["space"] = "has space",
        ["slash"] = "a/b",
        ["unicode"] = "citoyen-é",
    };

    /// <summary>The largest single amount the gateway accepts, in minor units (FloorPay.Gateway.Services.Check.MaxAmount).</summary>
    private const long LargestAmount = 1_000_000_000_000_000;

    private sealed record Target(ApiClients Bank, ApiClients Platform, ApiClients Reviewer, ApiClients Treasury, string CitizenId, string FreshCitizenId);

    private sealed record Case(StatusCode Expected, Func<Target, Task> Call);

    private static readonly Dictionary<string, Case> Cases = BuildCases();

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    private static Dictionary<string, Case> BuildCases()
    {
        var cases = new Dictionary<string, Case>();
        void Add(string name, StatusCode expected, Func<Target, Task> call) => cases.Add(name, new Case(expected, call));
        void Invalid(string name, Func<Target, Task> call) => Add(name, StatusCode.InvalidArgument, call);

        foreach (var (label, bad) in BadIds)
        {
            Invalid($"Enroll citizen_id {label}", t => Enroll(t, r => r.CitizenId = bad));
            Invalid($"Enroll idempotency_key {label}", t => Enroll(t, r => r.IdempotencyKey = bad));
            Invalid($"Enroll region_id {label}", t => Enroll(t, r => r.RegionId = bad));
            Invalid($"Enroll bank_id {label}", t => Enroll(t, r => r.PayoutAccount.BankId = bad));
            Invalid($"Enroll account_token {label}", t => Enroll(t, r => r.PayoutAccount.AccountToken = bad));
            Invalid($"RequestFloorPayout citizen_id {label}", t => t.Bank.Payouts.RequestFloorPayoutAsync(Requests.Floor(bad)).ResponseAsync);
            Invalid($"RequestFloorPayout idempotency_key {label}", t => t.Bank.Payouts.RequestFloorPayoutAsync(Requests.Floor(t.CitizenId, key: bad)).ResponseAsync);
            Invalid($"ClaimDividends citizen_id {label}", t => t.Bank.Payouts.ClaimDividendsAsync(Requests.Claim(bad)).ResponseAsync);
            Invalid($"ClaimDividends idempotency_key {label}", t => t.Bank.Payouts.ClaimDividendsAsync(Requests.Claim(t.CitizenId, key: bad)).ResponseAsync);
            Invalid($"GetStatement citizen_id {label}", t => t.Bank.Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = bad }).ResponseAsync);
            Invalid($"RecordContribution citizen_id {label}", t => t.Platform.Contributions.RecordContributionAsync(Requests.Contribution(bad)).ResponseAsync);
            Invalid($"RecordContribution idempotency_key {label}", t => t.Platform.Contributions.RecordContributionAsync(Requests.Contribution(t.CitizenId, key: bad)).ResponseAsync);
            Invalid($"GrantExemption citizen_id {label}", t => t.Reviewer.Contributions.GrantExemptionAsync(Requests.Exemption(bad)).ResponseAsync);
            Invalid($"GrantExemption idempotency_key {label}", t => t.Reviewer.Contributions.GrantExemptionAsync(Requests.Exemption(t.CitizenId, key: bad)).ResponseAsync);
            Invalid($"GrantExemption evidence_reference {label}", t => t.Reviewer.Contributions.GrantExemptionAsync(Requests.Exemption(t.CitizenId, evidence: bad)).ResponseAsync);
            Invalid($"RecordInflow idempotency_key {label}", t => t.Treasury.Funds.RecordInflowAsync(Requests.Inflow(1_000, key: bad)).ResponseAsync);
            Invalid($"RecordInflow fund_id {label}", t => t.Treasury.Funds.RecordInflowAsync(Requests.Inflow(1_000, fund: bad)).ResponseAsync);
            Invalid($"RecordInflow source {label}", t => Inflow(t, r => r.Source = bad));
            Invalid($"RecordInflow reference {label}", t => Inflow(t, r => r.Reference = bad));
            Invalid($"DeclareDividend idempotency_key {label}", t => t.Treasury.Funds.DeclareDividendAsync(Requests.Dividend(1_000_000_000, key: bad)).ResponseAsync);
            Invalid($"DeclareDividend fund_id {label}", t => t.Treasury.Funds.DeclareDividendAsync(Requests.Dividend(1_000_000_000, fund: bad)).ResponseAsync);
            Invalid($"GetFund fund_id {label}", t => t.Treasury.Funds.GetFundAsync(new GetFundRequest { FundId = bad }).ResponseAsync);
            Invalid($"GetRegion region_id {label}", t => t.Treasury.Regions.GetRegionAsync(new GetRegionRequest { RegionId = bad }).ResponseAsync);
            Invalid($"SetOpenOpportunities region_id {label}", t => t.Platform.Regions.SetOpenOpportunitiesAsync(
                new SetOpenOpportunitiesRequest { RegionId = bad, Category = "care", OpenCount = 5 }).ResponseAsync);
        }

        Invalid("Enroll payout_account missing", t => Enroll(t, r => r.PayoutAccount = null));
        Add("Enroll region_id unknown", StatusCode.NotFound, t => Enroll(t, r => r.RegionId = "R-ATLANTIS"));
        Add("RecordInflow fund_id unknown", StatusCode.NotFound, t => t.Treasury.Funds.RecordInflowAsync(Requests.Inflow(1_000, fund: "moon-fund")).ResponseAsync);
        Add("GetRegion region_id unknown", StatusCode.NotFound, t => t.Treasury.Regions.GetRegionAsync(new GetRegionRequest { RegionId = "R-ATLANTIS" }).ResponseAsync);

        foreach (var period in new[] { "2026-13", "2026-00", "2026-W99", "yesterday", "2026-11-01", "26-11", "1999-12", "2026-1", " 2026-11" })
        {
            Invalid($"RequestFloorPayout period '{period}'", t => t.Bank.Payouts.RequestFloorPayoutAsync(Requests.Floor(t.CitizenId, period)).ResponseAsync);
            Invalid($"RecordContribution period '{period}'", t => t.Platform.Contributions.RecordContributionAsync(Requests.Contribution(t.CitizenId, period: period)).ResponseAsync);
        }

        Invalid("GetStatement payout_kind 99", t => t.Bank.Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = t.CitizenId, PayoutKind = (PayoutKind)99 }).ResponseAsync);
        Invalid("GetStatement payout_kind -1", t => t.Bank.Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = t.CitizenId, PayoutKind = (PayoutKind)(-1) }).ResponseAsync);

        foreach (var category in new[] { "knitting", "", "CARE", "vip" })
            Invalid($"RecordContribution category '{category}'", t => t.Platform.Contributions.RecordContributionAsync(Requests.Contribution(t.CitizenId, category)).ResponseAsync);
        foreach (var minutes in new[] { 0, -1, -600, int.MinValue, int.MaxValue, 31 * 24 * 60 + 1 })
            Invalid($"RecordContribution minutes {minutes}", t => t.Platform.Contributions.RecordContributionAsync(Requests.Contribution(t.CitizenId, minutes: minutes)).ResponseAsync);

        foreach (var category in new[] { "vip-waiver", "", "discretionary", "Childcare", "unemployment" })
            Invalid($"GrantExemption category '{category}'", t => t.Reviewer.Contributions.GrantExemptionAsync(Requests.Exemption(t.CitizenId, category)).ResponseAsync);
        Invalid("GrantExemption expires_at in the past", t => t.Reviewer.Contributions.GrantExemptionAsync(
            Requests.Exemption(t.CitizenId, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-5))).ResponseAsync);
        Invalid("GrantExemption expires_at 1970", t => Exemption(t, r => r.ExpiresAt = new Timestamp()));
        Invalid("GrantExemption expires_at missing", t => Exemption(t, r => r.ExpiresAt = null));
        Invalid("GrantExemption expires_at not a timestamp", t => Exemption(t, r => r.ExpiresAt = new Timestamp { Seconds = long.MaxValue }));
        Invalid("GrantExemption expires_at negative nanos", t => Exemption(t, r => r.ExpiresAt = new Timestamp { Seconds = r.ExpiresAt.Seconds, Nanos = -1 }));

        foreach (var (label, amount) in new (string, long)[] { ("negative", -1), ("zero", 0), ("long.MinValue", long.MinValue), ("long.MaxValue", long.MaxValue), ("max+1", LargestAmount + 1) })
        {
            Invalid($"RecordInflow amount {label}", t => t.Treasury.Funds.RecordInflowAsync(Requests.Inflow(amount)).ResponseAsync);
            Invalid($"DeclareDividend total {label}", t => t.Treasury.Funds.DeclareDividendAsync(Requests.Dividend(amount)).ResponseAsync);
        }
        foreach (var currency in new[] { "USD", "", "eur", "EURO" })
        {
            Invalid($"RecordInflow currency '{currency}'", t => t.Treasury.Funds.RecordInflowAsync(Requests.Inflow(1_000, currency: currency)).ResponseAsync);
            Invalid($"DeclareDividend currency '{currency}'", t => t.Treasury.Funds.DeclareDividendAsync(Requests.Dividend(1_000_000_000, currency: currency)).ResponseAsync);
        }
        Invalid("RecordInflow amount missing", t => Inflow(t, r => r.Amount = null));
        Invalid("DeclareDividend total missing", t => t.Treasury.Funds.DeclareDividendAsync(new DeclareDividendRequest { IdempotencyKey = Ids.Key(), FundId = Requests.Fund }).ResponseAsync);

        Invalid("SetOpenOpportunities category unknown", t => t.Platform.Regions.SetOpenOpportunitiesAsync(
            new SetOpenOpportunitiesRequest { RegionId = StateSnapshot.OpportunitiesRegion, Category = "knitting", OpenCount = 5 }).ResponseAsync);
        Invalid("SetOpenOpportunities open_count negative", t => t.Platform.Regions.SetOpenOpportunitiesAsync(
            new SetOpenOpportunitiesRequest { RegionId = StateSnapshot.OpportunitiesRegion, Category = "care", OpenCount = -1 }).ResponseAsync);
        Invalid("GetPolicy version negative", t => t.Reviewer.Policies.GetPolicyAsync(new GetPolicyRequest { Version = -1 }).ResponseAsync);
        return cases;
    }

    private static Task Enroll(Target t, Action<EnrollRequest> spoil)
    {
        var request = Requests.Enroll(t.FreshCitizenId);
        spoil(request);
        return t.Bank.Citizens.EnrollAsync(request).ResponseAsync;
    }

    private static Task Inflow(Target t, Action<RecordInflowRequest> spoil)
    {
        var request = Requests.Inflow(1_000);
        spoil(request);
        return t.Treasury.Funds.RecordInflowAsync(request).ResponseAsync;
    }

    private static Task Exemption(Target t, Action<GrantExemptionRequest> spoil)
    {
        var request = Requests.Exemption(t.CitizenId);
        spoil(request);
        return t.Reviewer.Contributions.GrantExemptionAsync(request).ResponseAsync;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_gets_a_clear_error_and_changes_nothing(string caseName)
    {
        var (citizenId, _) = await _server.EnrollNewCitizen();
        var fresh = Ids.Citizen();
        var target = new Target(_server.As(ApiKeys.BankA), _server.As(ApiKeys.Platform), _server.As(ApiKeys.Reviewer), _server.As(ApiKeys.Treasury), citizenId, fresh);
        var before = await StateSnapshot.Take(_server, citizenId, fresh);
        var expected = Cases[caseName].Expected;

        var e = await Assert.ThrowsAsync<RpcException>(() => Cases[caseName].Call(target));

        Assert.True(e.StatusCode == expected, $"{caseName}: expected {expected}, got {e.StatusCode} ({e.Status.Detail})");
        Assert.False(string.IsNullOrWhiteSpace(e.Status.Detail), "the error says what is wrong");
        Assert.Equal(before, await StateSnapshot.Take(_server, citizenId, fresh));
    }

    [Fact]
    public async Task Ids_of_exactly_64_allowed_characters_are_accepted()
    {
        var citizenId = ("Az09._:-" + Guid.NewGuid().ToString("N")).PadRight(64, 'x');
        Assert.Equal(64, citizenId.Length);

        var enrolled = await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(citizenId, key: new string('k', 64), token: new string('t', 64)));

        Assert.Equal(citizenId, enrolled.CitizenId);
        Assert.Equal(citizenId, (await _server.Statement(citizenId)).CitizenId);
    }

    [Fact]
    public async Task The_largest_accepted_amount_is_accepted()
    {
        var before = await _server.Fund();

        var receipt = await _server.As(ApiKeys.Treasury).Funds.RecordInflowAsync(Requests.Inflow(LargestAmount));

        Assert.Equal(LargestAmount, receipt.Amount.MinorUnits);
        Assert.Equal(before.Inflows.MinorUnits + LargestAmount, (await _server.Fund()).Inflows.MinorUnits);
    }
}
