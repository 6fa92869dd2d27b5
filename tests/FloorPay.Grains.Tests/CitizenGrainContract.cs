
namespace FloorPay.Grains.Tests;

/// <summary>The citizen rules, run on each store (SQLite and PostgreSQL) by the derived classes.</summary>
public abstract class CitizenGrainContract(ClusterFixture fixture)
{
    private GrainCluster C => fixture.Cluster;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private ICitizenGrain Citizen(string id) => C.Grains.Citizen(id);

    private static EnrollCommand Enroll(string key, string bank = "bank-a", string token = "tok-1", string region = "R-NORTH") =>
        new(key, region, new PayoutAccount(bank, token), bank);

    [Fact]
    public void A_citizen_reference_names_the_same_grain_and_interface_as_Orleans_own()
    {
        foreach (var id in new[] { NewId("c"), NewId("c"), $"c-ü-{Guid.NewGuid():N}" })
        {
            var ours = (GrainReference)C.Grains.Citizen(id);
            var orleans = (GrainReference)C.Grains.GetGrain<ICitizenGrain>(id);
            Assert.Equal(orleans.GrainId, ours.GrainId);
            Assert.Equal(orleans.InterfaceType, ours.InterfaceType);
        }
    }

    [Fact]
    public async Task Enrollment_pays_the_current_period_at_once_pro_rated_by_policy()
    {
        var now = C.Time.GetUtcNow();
        var period = Period.Containing(now, PeriodLength.Monthly);
        var policy = GrainCluster.Policies.For(period);
        var result = (await Citizen(NewId("c")).Enroll(Enroll(NewId("k")))).Value!;

        var expected = policy.FloorAmount * period.DaysRemainingFrom(now) / period.Days;
        Assert.Equal(expected, result.FirstPayout.Amount);
        Assert.Equal(period.ToString(), result.FirstPayout.Period);
        Assert.Equal($"FLOOR_ENROLLMENT_PRORATED@policy-v{policy.Version}", result.FirstPayout.ReasonCode);
        Assert.False(result.Replayed);
    }

    [Fact]
    public async Task Fifty_concurrent_identical_enrollments_pay_once()
    {
        var id = NewId("c");
        var command = Enroll(NewId("k"));
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Citizen(id).Enroll(command)));

        Assert.All(results, r => Assert.Null(r.Rejection));
        Assert.Single(results.Select(r => r.Value!.FirstPayout.PayoutId).Distinct());
        Assert.Single(results, r => !r.Value!.Replayed);
        var statement = (await Citizen(id).GetStatement(new StatementQuery(null))).Value!;
        Assert.Single(statement.Payouts);
    }

    [Fact]
    public async Task A_reused_key_with_different_content_is_refused_and_changes_nothing()
    {
        var id = NewId("c");
        var key = NewId("k");
        await Citizen(id).Enroll(Enroll(key));
        var before = (await Citizen(id).GetStatement(new StatementQuery(null))).Value!;

        var reuse = await Citizen(id).Enroll(Enroll(key, token: "tok-other"));
        Assert.Equal(RejectionKind.AlreadyExists, reuse.Rejection?.Kind);
        // The same participant (bank-a) reusing its key for another operation is refused too.
        var payout = await Citizen(id).RequestFloorPayout(new FloorPayoutCommand(key, null, "bank-a"));
        Assert.Equal(RejectionKind.AlreadyExists, payout.Rejection?.Kind);

        var after = (await Citizen(id).GetStatement(new StatementQuery(null))).Value!;
        Assert.Equal("tok-1", after.Account.AccountToken);
        Assert.Equal(before.Payouts, after.Payouts);
        Assert.Equal(0, Assert.Single(after.Contributions).TotalMinutes); // only the current period, with nothing recorded
    }

    [Fact]
    public async Task A_period_already_paid_is_never_paid_again_whatever_the_key()
    {
        var id = NewId("c");
        var enrolled = (await Citizen(id).Enroll(Enroll(NewId("k")))).Value!;
        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Citizen(id).RequestFloorPayout(new FloorPayoutCommand($"again-{i}", enrolled.FirstPayout.Period, "bank-a"))));

        Assert.All(attempts, a => Assert.Equal(RejectionKind.AlreadyExists, a.Rejection?.Kind));
        Assert.Single((await Citizen(id).GetStatement(new StatementQuery(null))).Value!.Payouts);
    }

    [Fact]
    public async Task Another_bank_cannot_act_for_a_citizen()
    {
        var id = NewId("c");
        await Citizen(id).Enroll(Enroll(NewId("k")));

        Assert.Equal(RejectionKind.PermissionDenied, (await Citizen(id).RequestFloorPayout(new FloorPayoutCommand("x", null, "bank-b"))).Rejection?.Kind);
        Assert.Equal(RejectionKind.PermissionDenied, (await Citizen(id).ClaimDividends(new ClaimDividendsCommand("y", "bank-b"))).Rejection?.Kind);
        Assert.Equal(RejectionKind.PermissionDenied, (await Citizen(id).GetStatement(new StatementQuery("bank-b"))).Rejection?.Kind);
        Assert.Equal(RejectionKind.PermissionDenied, (await Citizen(NewId("c")).Enroll(new EnrollCommand("z", "R-NORTH", new PayoutAccount("bank-a", "t"), "bank-b"))).Rejection?.Kind);
    }

    [Fact]
    public async Task Contribution_status_and_an_empty_fund_never_touch_the_floor()
    {
        // Rule 1: nobody has paid into this cluster's fund, and the citizen has contributed nothing.
        var fund = await C.Grains.GetGrain<IFundGrain>(IFundGrain.National).GetSummary();
        Assert.True(fund.Inflows == 0);
        var id = NewId("c");
        var enrolled = await Citizen(id).Enroll(Enroll(NewId("k")));
        Assert.Null(enrolled.Rejection);

        await C.FlushAggregatesAsync();
        fund = await C.Grains.GetGrain<IFundGrain>(IFundGrain.National).GetSummary();
        Assert.True(fund.Balance < 0, "the floor was paid although the fund had no money");
        Assert.True(fund.LowRunwayAlert);
        Assert.Equal(0, fund.RunwayPeriods);
    }

    [Fact]
    public async Task Exemptions_come_only_from_the_enumerated_list_and_expire_in_the_future()
    {
        var id = NewId("c");
        await Citizen(id).Enroll(Enroll(NewId("k")));
        var now = C.Time.GetUtcNow();

        var vip = await Citizen(id).GrantExemption(new ExemptionCommand("e1", "vip", "ev-1", now.AddDays(30), "reviewer"));
        Assert.Equal(RejectionKind.InvalidArgument, vip.Rejection?.Kind);
        var past = await Citizen(id).GrantExemption(new ExemptionCommand("e2", "illness", "ev-1", now.AddDays(-1), "reviewer"));
        Assert.Equal(RejectionKind.InvalidArgument, past.Rejection?.Kind);
        var ok = await Citizen(id).GrantExemption(new ExemptionCommand("e3", "illness", "ev-1", now.AddDays(30), "reviewer"));
        Assert.Null(ok.Rejection);

        await Citizen(id).RecordContribution(new ContributionCommand("c1", "care", 10, null, "platform"));
        var statement = (await Citizen(id).GetStatement(new StatementQuery(null))).Value!;
        Assert.Single(statement.Exemptions);
        Assert.StartsWith(ReasonRules.QuotaExempt + "@", Assert.Single(statement.Contributions).StandingReasonCode);
    }

    [Fact]
    public async Task Contributions_count_against_the_published_quota_per_category()
    {
        var id = NewId("c");
        await Citizen(id).Enroll(Enroll(NewId("k")));
        var quota = GrainCluster.Policies.For(Period.Containing(C.Time.GetUtcNow(), PeriodLength.Monthly)).ContributionQuotaMinutes;

        await Citizen(id).RecordContribution(new ContributionCommand("a", "care", quota / 2, null, "platform"));
        var open = (await Citizen(id).GetStatement(new StatementQuery(null))).Value!.Contributions.Single();
        Assert.StartsWith(ReasonRules.QuotaOpen + "@", open.StandingReasonCode);

        await Citizen(id).RecordContribution(new ContributionCommand("b", "education", quota - quota / 2, null, "platform"));
        var met = (await Citizen(id).GetStatement(new StatementQuery(null))).Value!.Contributions.Single();
        Assert.StartsWith(ReasonRules.QuotaMet + "@", met.StandingReasonCode);
        Assert.Equal(quota, met.TotalMinutes);
        Assert.Equal(quota / 2, met.MinutesByCategory["care"]);

        var unknown = await Citizen(id).RecordContribution(new ContributionCommand("c", "sleeping", 10, null, "platform"));
        Assert.Equal(RejectionKind.InvalidArgument, unknown.Rejection?.Kind);
    }

    [Fact]
    public async Task Regions_and_the_fund_count_a_payout_and_an_enrollment_as_soon_as_the_ledger_commits_them()
    {
        var region = C.Grains.GetGrain<IRegionGrain>("R-WEST");
        var fund = C.Grains.GetGrain<IFundGrain>(IFundGrain.National);
        var (regionBefore, fundBefore) = (await region.GetSummary(), await fund.GetSummary());

        var paid = (await Citizen(NewId("c")).Enroll(Enroll(NewId("k"), region: "R-WEST"))).Value!.FirstPayout;
        // No feed flush: the ledger counted both in the transaction that committed the payout.
        var (regionAfter, fundAfter) = (await region.GetSummary(), await fund.GetSummary());

        Assert.Equal(regionBefore.EnrolledCount + 1, regionAfter.EnrolledCount);
        long Sum(RegionSummary s) => s.Payouts.Where(p => p.Period == paid.Period && p.Kind == PayoutKind.Floor).Sum(p => p.Amount);
        Assert.Equal(Sum(regionBefore) + paid.Amount, Sum(regionAfter));
        Assert.Equal(fundBefore.EnrolledCount + 1, fundAfter.EnrolledCount);
        Assert.Equal(fundBefore.FloorOutflows + paid.Amount, fundAfter.FloorOutflows);
        Assert.Equal(fundBefore.Balance - paid.Amount, fundAfter.Balance);
    }

    [Fact]
    public async Task Regions_receive_contribution_minutes_asynchronously_and_apply_a_retried_delta_once()
    {
        var region = C.Grains.GetGrain<IRegionGrain>("R-WEST");
        await C.FlushAggregatesAsync();
        var before = await region.GetSummary();

        var id = NewId("c");
        await Citizen(id).Enroll(Enroll(NewId("k"), region: "R-WEST"));
        await Citizen(id).RecordContribution(new ContributionCommand("m", "environment", 45, null, "platform"));
        await C.FlushAggregatesAsync();
        var after = await region.GetSummary();
        Assert.Equal(before.ContributionMinutes.GetValueOrDefault("environment") + 45, after.ContributionMinutes["environment"]);

        var delta = new AggregateDelta("test-feed", 1, new Dictionary<string, long> { ["care"] = 5 });
        await region.Apply(delta);
        await region.Apply(delta);
        Assert.Equal(after.ContributionMinutes.GetValueOrDefault("care") + 5, (await region.GetSummary()).ContributionMinutes["care"]);
    }

    [Fact]
    public async Task A_dividend_accrues_equally_to_citizens_enrolled_before_its_cutoff_and_is_claimed_once()
    {
        var fund = C.Grains.GetGrain<IFundGrain>(IFundGrain.National);
        var early = NewId("c");
        await Citizen(early).Enroll(Enroll(NewId("k")));
        C.Time.Advance(TimeSpan.FromMilliseconds(300));
        var command = new DeclareDividendCommand(NewId("d"), 1_000_003);
        Assert.NotNull((await fund.RecordInflow(new InflowCommand(NewId("i"), "ai-dividend-levy", 1_000_003, "levy-1"))).Value);

        var pending = (await fund.DeclareDividend(command)).Value!;
        Assert.False(pending.Final);
        Assert.True(pending.EligibleBefore > C.Time.GetUtcNow());
        Assert.Equal(RejectionKind.FailedPrecondition, (await fund.DeclareDividend(new DeclareDividendCommand(NewId("d"), 5))).Rejection?.Kind);
        Assert.False((await fund.DeclareDividend(command)).Value!.Final); // not due yet

        C.Time.Advance(pending.EligibleBefore - C.Time.GetUtcNow()); // exactly at the cutoff: not eligible any more
        var late = NewId("c");
        await Citizen(late).Enroll(Enroll(NewId("k")));
        // In real time the grace gives the feed time to deliver; with a fake clock, deliver before jumping past it
        // (the fund's finalization timer could otherwise fire in between).
        await C.FlushAggregatesAsync();
        C.Time.Advance(pending.FinalizesAt - C.Time.GetUtcNow());

        var declared = (await fund.DeclareDividend(command)).Value!;
        Assert.True(declared.Final);
        await C.RefreshDividendsAsync();
        Assert.True(declared.PerCapita > 0);
        Assert.Equal(declared.TotalAmount, declared.PerCapita * declared.EligibleCount + declared.Remainder);

        var earlyStatement = (await Citizen(early).GetStatement(new StatementQuery(null))).Value!;
        var lateStatement = (await Citizen(late).GetStatement(new StatementQuery(null))).Value!;
        Assert.Equal(declared.PerCapita, earlyStatement.DividendsAccrued);
        Assert.Equal(0, lateStatement.DividendsAccrued);

        var claim = (await Citizen(early).ClaimDividends(new ClaimDividendsCommand("claim-1", "bank-a"))).Value!;
        Assert.Equal(declared.PerCapita, claim.Amount);
        Assert.Equal(PayoutKind.Dividend, claim.Kind);
        Assert.True((await Citizen(early).ClaimDividends(new ClaimDividendsCommand("claim-1", "bank-a"))).Value!.Replayed);
        Assert.Equal(RejectionKind.FailedPrecondition, (await Citizen(early).ClaimDividends(new ClaimDividendsCommand("claim-2", "bank-a"))).Rejection?.Kind);
        Assert.Equal(RejectionKind.FailedPrecondition, (await Citizen(late).ClaimDividends(new ClaimDividendsCommand("claim-3", "bank-a"))).Rejection?.Kind);
        var after = (await Citizen(early).GetStatement(new StatementQuery(null))).Value!;
        Assert.Equal(0, after.DividendsAccrued);
        Assert.Equal(declared.PerCapita, after.DividendsPaid);
    }

    [Fact]
    public async Task A_second_first_write_of_the_same_grain_state_is_an_etag_conflict_not_a_second_row()
    {
        // What a duplicate activation would do: both believe no state exists and write.
        var storage = Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions
            .GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(C.Cluster.Silos[0].ServiceProvider, StorageNames.State);
        var grainId = GrainId.Create("citizen", NewId("dup"));
        var first = new TestState { Value = 1 };
        var second = new TestState { Value = 2 };
        var a = new Orleans.GrainState<TestState>(first);
        var b = new Orleans.GrainState<TestState>(second);

        await storage.WriteStateAsync("citizen", grainId, a);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("citizen", grainId, b));

        var read = new Orleans.GrainState<TestState>(new TestState());
        await storage.ReadStateAsync("citizen", grainId, read);
        Assert.Equal(1, read.State!.Value);
        Assert.Equal(a.ETag, read.ETag);

        // With the current ETag the write goes through and the version moves on; a stale ETag is refused.
        read.State.Value = 3;
        await storage.WriteStateAsync("citizen", grainId, read);
        a.State!.Value = 4;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("citizen", grainId, a));
    }
}

public sealed class CitizenGrainOnSqlite(SqliteCluster fixture) : CitizenGrainContract(fixture), IClassFixture<SqliteCluster>;

public sealed class CitizenGrainOnPostgres(PostgresCluster fixture) : CitizenGrainContract(fixture), IClassFixture<PostgresCluster>;
