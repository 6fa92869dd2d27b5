
namespace FloorPay.Grains.Tests;

/// <summary>Moving the clock across periods and policy versions; each test gets its own cluster and clock.</summary>
public sealed class PeriodTransitionTests : IAsyncLifetime
{
    private GrainCluster _c = null!;

    public async Task InitializeAsync() => _c = await GrainCluster.StartAsync(GrainCluster.Sqlite(), silos: 1);

    public async Task DisposeAsync() => await _c.DisposeAsync();

    private ICitizenGrain Citizen(string id) => _c.Grains.Citizen(id);

    private async Task<EnrollResult> EnrollAsync(string id) =>
        (await Citizen(id).Enroll(new EnrollCommand($"enroll-{id}", "R-SOUTH", new PayoutAccount("bank-a", "tok"), "bank-a"))).Value!;

    [Fact]
    public async Task A_future_period_or_one_before_enrollment_is_refused_and_changes_nothing()
    {
        await EnrollAsync("c1"); // 2026-11
        var future = await Citizen("c1").RequestFloorPayout(new FloorPayoutCommand("f", "2026-12", "bank-a"));
        Assert.Equal(RejectionKind.FailedPrecondition, future.Rejection?.Kind);
        var before = await Citizen("c1").RequestFloorPayout(new FloorPayoutCommand("b", "2026-10", "bank-a"));
        Assert.Equal(RejectionKind.FailedPrecondition, before.Rejection?.Kind);
        var malformed = await Citizen("c1").RequestFloorPayout(new FloorPayoutCommand("m", "2026-W48", "bank-a"));
        Assert.Equal(RejectionKind.InvalidArgument, malformed.Rejection?.Kind);
        Assert.Single((await Citizen("c1").GetStatement(new StatementQuery(null))).Value!.Payouts);

        // A refused key was not consumed: the same key works once the period has started.
        _c.Time.Advance(TimeSpan.FromDays(25)); // 2026-12-05
        var paid = (await Citizen("c1").RequestFloorPayout(new FloorPayoutCommand("f", "2026-12", "bank-a"))).Value!;
        Assert.Equal("c1:floor:2026-12", paid.PayoutId);
    }

    [Fact]
    public async Task Each_later_period_pays_the_full_floor_once_and_a_missed_period_can_be_paid_in_arrears()
    {
        await EnrollAsync("c2");
        _c.Time.Advance(TimeSpan.FromDays(25)); // 2026-12-05
        var december = (await Citizen("c2").RequestFloorPayout(new FloorPayoutCommand("dec", null, "bank-a"))).Value!;
        Assert.Equal(("2026-12", 120_000L, "FLOOR_PERIOD@policy-v1"), (december.Period, december.Amount, december.ReasonCode));

        _c.Time.Advance(TimeSpan.FromDays(62)); // 2027-02-05: January was never requested
        var january = (await Citizen("c2").RequestFloorPayout(new FloorPayoutCommand("jan", "2027-01", "bank-a"))).Value!;
        var february = (await Citizen("c2").RequestFloorPayout(new FloorPayoutCommand("feb", "", "bank-a"))).Value!;
        Assert.Equal(("2027-01", "2027-02"), (january.Period, february.Period));

        var statement = (await Citizen("c2").GetStatement(new StatementQuery(null))).Value!;
        Assert.Equal(4, statement.Payouts.Count);
        Assert.Equal(4, statement.Payouts.Select(p => p.Period).Distinct().Count());
    }

    [Fact]
    public async Task A_policy_version_governs_only_the_periods_from_its_effective_period()
    {
        await EnrollAsync("c3");
        _c.Time.Advance(TimeSpan.FromDays(60)); // 2027-01-09: v2 (floor 130,000) is in force
        var december = (await Citizen("c3").RequestFloorPayout(new FloorPayoutCommand("dec", "2026-12", "bank-a"))).Value!;
        var january = (await Citizen("c3").RequestFloorPayout(new FloorPayoutCommand("jan", "2027-01", "bank-a"))).Value!;

        Assert.Equal((120_000L, "FLOOR_PERIOD@policy-v1"), (december.Amount, december.ReasonCode));
        Assert.Equal((130_000L, "FLOOR_PERIOD@policy-v2"), (january.Amount, january.ReasonCode));

        var newcomer = await EnrollAsync("c4");
        var period = Period.Parse("2027-01", PeriodLength.Monthly);
        Assert.Equal(130_000L * period.DaysRemainingFrom(_c.Time.GetUtcNow()) / period.Days, newcomer.FirstPayout.Amount);
        Assert.Equal("FLOOR_ENROLLMENT_PRORATED@policy-v2", newcomer.FirstPayout.ReasonCode);
    }

    [Fact]
    public async Task State_survives_a_full_cluster_restart_on_the_same_store()
    {
        await EnrollAsync("c5");
        await Citizen("c5").RecordContribution(new ContributionCommand("m", "care", 90, null, "platform"));
        var before = (await Citizen("c5").GetStatement(new StatementQuery(null))).Value!;
        var (storage, serviceId) = (_c.Storage, _c.ServiceId);
        await _c.Cluster.StopAllSilosAsync();
        await _c.Cluster.DisposeAsync();

        var restarted = _c = await GrainCluster.StartAsync(storage, silos: 1, serviceId);
        var after = (await restarted.Grains.Citizen("c5").GetStatement(new StatementQuery(null))).Value!;
        Assert.Equal(before.Payouts.Select(p => (p.PayoutId, p.Amount)), after.Payouts.Select(p => (p.PayoutId, p.Amount)));
        Assert.Equal(90, after.Contributions.Single().TotalMinutes);
        var replay = (await restarted.Grains.Citizen("c5")
            .Enroll(new EnrollCommand("enroll-c5", "R-SOUTH", new PayoutAccount("bank-a", "tok"), "bank-a"))).Value!;
        Assert.True(replay.Replayed);
    }
}
