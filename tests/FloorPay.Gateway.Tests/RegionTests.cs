namespace FloorPay.Gateway.Tests;

/// <summary>Regional aggregates (enrollments and payouts as the ledger counts them, contribution minutes fed) and the open opportunities platforms publish.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class RegionTests(SharedServerFixture fixture)
{
    private const string RegionId = "R-EAST";
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task Enrollments_and_their_payouts_reach_the_region()
    {
        var before = await _server.Region(RegionId);
        var period = (await _server.Policy()).CurrentPeriod;
        static PayoutTotal? Floor(Region r, string period) => r.Payouts.FirstOrDefault(p => p.Kind == PayoutKind.Floor && p.Period == period);

        var (_, enrolled) = await _server.EnrollNewCitizen(RegionId);

        var after = await Eventually.Satisfies(() => _server.Region(RegionId),
            r => r.EnrolledCount >= before.EnrolledCount + 1 && (Floor(r, period)?.Count ?? 0) >= (Floor(before, period)?.Count ?? 0) + 1,
            "the enrollment reaching R-EAST");
        Assert.Equal(RegionId, after.RegionId);
        var total = Floor(after, period)!;
        Assert.True(total.Amount.MinorUnits >= (Floor(before, period)?.Amount.MinorUnits ?? 0) + enrolled.FirstPayout.Amount.MinorUnits);
        Assert.Equal(Requests.Currency, total.Amount.Currency);
    }

    [Fact]
    public async Task Treasury_reviewers_and_platforms_read_regions_too()
    {
        foreach (var key in new[] { ApiKeys.Treasury, ApiKeys.Reviewer, ApiKeys.Platform, ApiKeys.Auditor })
        {
            var region = await _server.As(key).Regions.GetRegionAsync(new GetRegionRequest { RegionId = "R-NORTH" });
            Assert.Equal("R-NORTH", region.RegionId);
        }
    }

    [Fact]
    public async Task Platforms_publish_open_opportunities()
    {
        var platform = _server.As(ApiKeys.Platform).Regions;

        var set = await platform.SetOpenOpportunitiesAsync(new SetOpenOpportunitiesRequest { RegionId = "R-WEST", Category = "transport", OpenCount = 17 });
        Assert.Equal(17, set.OpenOpportunities["transport"]);
        Assert.Equal(17, (await _server.Region("R-WEST")).OpenOpportunities["transport"]);

        var replaced = await platform.SetOpenOpportunitiesAsync(new SetOpenOpportunitiesRequest { RegionId = "R-WEST", Category = "transport", OpenCount = 0 });
        Assert.Equal(0, replaced.OpenOpportunities["transport"]);
        Assert.Equal(0, (await _server.Region("R-WEST")).OpenOpportunities["transport"]);
    }

    [Fact]
    public async Task An_unknown_region_is_not_found()
    {
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Auditor).Regions.GetRegionAsync(new GetRegionRequest { RegionId = "R-ATLANTIS" }));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Platform).Regions.SetOpenOpportunitiesAsync(
            new SetOpenOpportunitiesRequest { RegionId = "R-ATLANTIS", Category = "care", OpenCount = 1 }));
    }
}
