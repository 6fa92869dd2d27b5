namespace FloorPay.Gateway.Tests;

/// <summary>Rule 6: platforms record minutes per category against the published quota; exemptions come from the enumerated list; the floor never moves.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class ContributionTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task Contributions_show_against_the_quota_in_the_statement()
    {
        var policy = await _server.Policy();
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var platform = _server.As(ApiKeys.Platform).Contributions;

        var care = await platform.RecordContributionAsync(Requests.Contribution(citizenId, "care", 90));
        Assert.Equal(citizenId, care.CitizenId);
        Assert.Equal("care", care.Category);
        Assert.Equal(90, care.Minutes);
        Assert.Equal(policy.CurrentPeriod, care.Period);
        Assert.Equal($"CONTRIBUTION_RECORDED@policy-v{policy.Version}", care.ReasonCode);
        Assert.False(care.Replayed);

        var open = Assert.Single((await _server.Statement(citizenId)).Contributions);
        Assert.Equal(policy.CurrentPeriod, open.Period);
        Assert.Equal(90, open.MinutesByCategory["care"]);
        Assert.Equal(90, open.TotalMinutes);
        Assert.Equal(policy.ContributionQuotaMinutes, open.QuotaMinutes);
        Assert.True(policy.ContributionQuotaMinutes > 90, "the demo quota is above one contribution");
        Assert.Equal($"QUOTA_OPEN@policy-v{policy.Version}", open.StandingReasonCode);

        await platform.RecordContributionAsync(Requests.Contribution(citizenId, "education", policy.ContributionQuotaMinutes - 90, period: policy.CurrentPeriod));
        var met = Assert.Single((await _server.Statement(citizenId)).Contributions);
        Assert.Equal(policy.ContributionQuotaMinutes, met.TotalMinutes);
        Assert.Equal(90, met.MinutesByCategory["care"]);
        Assert.Equal(policy.ContributionQuotaMinutes - 90, met.MinutesByCategory["education"]);
        Assert.Equal($"QUOTA_MET@policy-v{policy.Version}", met.StandingReasonCode);

        // Contribution never touches the floor.
        var statement = await _server.Statement(citizenId);
        Assert.Equal(enrolled.FirstPayout.PayoutId, Assert.Single(statement.Payouts).PayoutId);
    }

    [Fact]
    public async Task A_contribution_resend_replays_and_a_reused_key_is_refused()
    {
        var (citizenId, _) = await _server.EnrollNewCitizen();
        var platform = _server.As(ApiKeys.Platform).Contributions;
        var request = Requests.Contribution(citizenId, "environment", 45);

        var first = await platform.RecordContributionAsync(request);
        var again = await platform.RecordContributionAsync(request);
        var before = await _server.Statement(citizenId);
        var other = request.Clone();
        other.Minutes = 46;
        await Expect.Status(StatusCode.AlreadyExists, platform.RecordContributionAsync(other));

        Assert.True(again.Replayed);
        Assert.Equal(first.ContributionId, again.ContributionId);
        Assert.Equal(45, Assert.Single(before.Contributions).TotalMinutes);
        Assert.Equal(before, await _server.Statement(citizenId));
    }

    [Fact]
    public async Task An_exemption_from_the_list_shows_and_makes_the_standing_exempt()
    {
        var policy = await _server.Policy();
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        await _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(citizenId, "care", 30));
        var reviewer = _server.As(ApiKeys.Reviewer).Contributions;
        var request = Requests.Exemption(citizenId, "illness", "medical-cert-7781", DateTimeOffset.UtcNow.AddDays(60));

        var granted = await reviewer.GrantExemptionAsync(request);
        Assert.Equal(citizenId, granted.CitizenId);
        Assert.Equal("illness", granted.Category);
        Assert.Equal("medical-cert-7781", granted.EvidenceReference);
        Assert.Equal(request.ExpiresAt, granted.ExpiresAt);
        Assert.Equal($"EXEMPTION_GRANTED@policy-v{policy.Version}", granted.ReasonCode);
        Assert.False(granted.Replayed);

        var replay = await reviewer.GrantExemptionAsync(request);
        Assert.True(replay.Replayed);
        Assert.Equal(granted.ExemptionId, replay.ExemptionId);
        var other = request.Clone();
        other.Category = "caregiving";
        await Expect.Status(StatusCode.AlreadyExists, reviewer.GrantExemptionAsync(other));

        var statement = await _server.Statement(citizenId);
        var exemption = Assert.Single(statement.Exemptions);
        Assert.Equal(granted.ExemptionId, exemption.ExemptionId);
        Assert.Equal("illness", exemption.Category);
        Assert.Equal($"QUOTA_EXEMPT@policy-v{policy.Version}", Assert.Single(statement.Contributions).StandingReasonCode);
        Assert.Equal(enrolled.FirstPayout.PayoutId, Assert.Single(statement.Payouts).PayoutId);
    }

    [Fact]
    public async Task Contributions_outside_the_citizens_periods_are_failed_preconditions()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var platform = _server.As(ApiKeys.Platform).Contributions;
        var before = await _server.Statement(citizenId);

        await Expect.Status(StatusCode.FailedPrecondition,
            platform.RecordContributionAsync(Requests.Contribution(citizenId, period: Periods.Next(enrolled.FirstPayout.Period))));
        await Expect.Status(StatusCode.FailedPrecondition,
            platform.RecordContributionAsync(Requests.Contribution(citizenId, period: Periods.Previous(enrolled.FirstPayout.Period))));

        Assert.Equal(before, await _server.Statement(citizenId));
    }

    [Fact]
    public async Task Contributed_minutes_reach_the_region()
    {
        const string region = "R-SOUTH";
        var (citizenId, _) = await _server.EnrollNewCitizen(region);
        var before = (await _server.Region(region)).ContributionMinutes.GetValueOrDefault("disaster-prevention");

        await _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(citizenId, "disaster-prevention", 120));

        await Eventually.Satisfies(() => _server.Region(region),
            r => r.ContributionMinutes.GetValueOrDefault("disaster-prevention") >= before + 120,
            "120 disaster-prevention minutes reaching R-SOUTH");
    }
}
