namespace FloorPay.Gateway.Tests;

/// <summary>
/// Rule 13: no caller can grow a citizen's history without bound. Each kind of record a caller can add is bounded per
/// citizen and period; one more is RESOURCE_EXHAUSTED with a retry-after hint (the next period) and records nothing.
/// A server of its own, with small bounds.
/// </summary>
public sealed class CitizenLimitTests : IAsyncLifetime
{
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() => _server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(
        new Dictionary<string, string?>
        {
            ["FloorPay:CitizenLimits:ContributionsPerPeriod"] = "3",
            ["FloorPay:CitizenLimits:AppealsPerPeriod"] = "2",
            ["FloorPay:CitizenLimits:AccountChangesPerPeriod"] = "2",
            ["FloorPay:CitizenLimits:ReleasesPerPeriod"] = "1",
            ["FloorPay:CitizenLimits:ExemptionsPerPeriod"] = "1",
        }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task ExhaustedAsync(Func<Task> call)
    {
        var e = await Expect.Status(StatusCode.ResourceExhausted, call);
        Assert.True(long.Parse(e.Trailers.GetValue("floorpay-retry-after-ms")!) > 0, "a retry-after hint");
    }

    [Fact]
    public async Task Each_kind_of_record_is_bounded_per_citizen_and_period_and_one_more_records_nothing()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();

        for (var i = 0; i < 3; i++) await _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(citizenId, minutes: 10));
        await ExhaustedAsync(async () => await _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(citizenId, minutes: 10)));

        await _server.As(ApiKeys.Reviewer).Contributions.GrantExemptionAsync(Requests.Exemption(citizenId));
        await ExhaustedAsync(async () => await _server.As(ApiKeys.Reviewer).Contributions.GrantExemptionAsync(Requests.Exemption(citizenId, category: "illness")));

        FileAppealRequest Appeal() => new() { IdempotencyKey = Ids.Key("appeal"), CitizenId = citizenId, DecisionId = enrolled.FirstPayout.PayoutId, Ground = "other" };
        for (var i = 0; i < 2; i++) await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(Appeal());
        await ExhaustedAsync(async () => await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(Appeal()));

        ChangePayoutAccountRequest Change() => new()
        {
            CitizenId = citizenId, IdempotencyKey = Ids.Key("acct"), Account = new PayoutAccount { BankId = "bank-a", AccountToken = Ids.Token() },
        };
        for (var i = 0; i < 2; i++) await _server.As(ApiKeys.BankA).Citizens.ChangePayoutAccountAsync(Change());
        await ExhaustedAsync(async () => await _server.As(ApiKeys.BankA).Citizens.ChangePayoutAccountAsync(Change()));

        ReleaseAccountHolderRequest Release() => new() { CitizenId = citizenId, ToBankId = "bank-b", IdempotencyKey = Ids.Key("release") };
        await _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release());
        await ExhaustedAsync(async () => await _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release()));

        var statement = await _server.Statement(citizenId);
        Assert.Equal(30, statement.Contributions.Single(c => c.Period == enrolled.FirstPayout.Period).TotalMinutes);
        Assert.Single(statement.Exemptions);
        Assert.Equal(2, statement.Appeals.Count);
        // The floor is never bounded by any of this (rule 1): the citizen's payouts are untouched.
        Assert.Single(statement.Payouts);
    }
}
