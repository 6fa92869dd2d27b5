using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Payday runs: at a period start every citizen enrolled before it is paid once, without any request, at the
/// configured pace; a run stopped half-way resumes on the next start and still pays everyone exactly once.
/// </summary>
public sealed class PaydayRunTests
{
    private static Action<WebApplicationBuilder> Configure(ShiftableTimeProvider time, int rate, int pageSize) => b =>
    {
        b.Services.AddKeyedSingleton<TimeProvider>(FloorPay.Grains.FloorPayTime.Key, time);
        b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Payday:RatePerSecond"] = rate.ToString(),
            ["FloorPay:Payday:PageSize"] = pageSize.ToString(),
            ["FloorPay:Payday:TickInterval"] = "00:00:00.100",
            ["FloorPay:Payday:CheckInterval"] = "00:00:01",
        });
    };

    private static async Task<List<string>> EnrollAsync(FloorPayServer server, int count)
    {
        var floor = (await server.Policy()).FloorAmount.MinorUnits;
        var ids = new List<string>();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(100))
        {
            var envelope = new EnrollEnvelope { EnvelopeId = Ids.Key("env"), ControlCount = chunk.Length, ControlAmount = Requests.Money(floor * chunk.Length) };
            envelope.Items.AddRange(chunk.Select(_ => Requests.Enroll(Ids.Citizen())));
            var result = await server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(envelope);
            Assert.Equal(chunk.Length, result.Succeeded);
            ids.AddRange(envelope.Items.Select(i => i.CitizenId));
        }
        return ids;
    }

    private static string NextPeriod(string period)
    {
        var month = DateTime.ParseExact(period, "yyyy-MM", System.Globalization.CultureInfo.InvariantCulture).AddMonths(1);
        return month.ToString("yyyy-MM");
    }

    private static async Task AssertPaidOnceAsync(FloorPayServer server, IEnumerable<string> citizenIds, string period)
    {
        foreach (var id in citizenIds)
        {
            var statement = await server.Statement(id);
            var floors = statement.Payouts.Where(p => p.Kind == PayoutKind.Floor && p.Period == period).ToList();
            Assert.True(floors.Count == 1, $"{id} has {floors.Count} floor payouts for {period}");
            Assert.Single(statement.Instructions, i => i.PayoutId == floors[0].PayoutId);
        }
    }

    [Fact]
    public async Task At_the_period_start_every_enrolled_citizen_is_paid_once_without_any_request()
    {
        var time = new ShiftableTimeProvider();
        await using var server = await FloorPayServer.StartAsync(configure: Configure(time, rate: 500, pageSize: 50));
        var citizens = await EnrollAsync(server, 200);
        var period = (await server.Statement(citizens[0])).Payouts[0].Period;
        var next = NextPeriod(period);

        time.Advance(TimeSpan.FromDays(32));
        // A bank asks for one citizen's floor itself: the run must not pay that citizen again.
        var asked = await server.As(ApiKeys.BankA).Payouts.RequestFloorPayoutAsync(Requests.Floor(citizens[0], next));

        var run = await Eventually.Satisfies(
            () => server.As(ApiKeys.Auditor).PaydayRuns.GetPaydayRunAsync(new GetPaydayRunRequest { Period = next }).ResponseAsync,
            r => r.Status == "COMPLETED", "the payday run to complete", TimeSpan.FromSeconds(60));
        Assert.Equal(200, run.CitizensPaid + run.CitizensAlreadyPaid);
        Assert.InRange(run.CitizensAlreadyPaid, 0, 1); // the bank's request, unless the run got there first
        Assert.Equal(run.CitizensPaid * asked.Amount.MinorUnits, run.AmountPaid.MinorUnits);
        Assert.Equal(run.SlicesTotal, run.SlicesDone);
        await AssertPaidOnceAsync(server, citizens, next);

        var report = await server.As(ApiKeys.Auditor).Audit.ReconcileAsync(new ReconcileRequest());
        Assert.True(report.Passed, string.Join("; ", report.Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Detail}")));
    }

    /// <summary>
    /// A node enrolls 300 citizens, a month passes, the next period's run gets under way slowly (started by the treasury
    /// or by the scheduler) and the node is killed half-way. Returns the data, the citizens and the run's period.
    /// </summary>
    private static async Task<(string Data, List<string> Citizens, string Period)> KillHalfWayThroughARunAsync(ShiftableTimeProvider time, bool startByHand)
    {
        var data = FloorPayServer.NewDataDirectory();
        await using var first = await FloorPayServer.StartAsync(data, Configure(time, rate: 100, pageSize: 20));
        var citizens = await EnrollAsync(first, 300);
        var next = NextPeriod((await first.Statement(citizens[0])).Payouts[0].Period);
        time.Advance(TimeSpan.FromDays(32));
        if (startByHand) await first.As(ApiKeys.Treasury).PaydayRuns.StartPaydayRunAsync(new StartPaydayRunRequest { Period = next });
        var partial = await Eventually.Satisfies(
            () => first.As(ApiKeys.Auditor).PaydayRuns.GetPaydayRunAsync(new GetPaydayRunRequest { Period = next }).ResponseAsync,
            r => r.CitizensPaid >= 60, "the run to get under way", TimeSpan.FromSeconds(30));
        Assert.Equal("RUNNING", partial.Status);
        // In progress for the FloorPayPaydayStalled alert (a process-wide gauge: at least this run).
        Assert.Matches(@"(?m)^floorpay_payday_runs_in_progress [1-9][0-9]*$", await first.Management.GetStringAsync("/metrics"));
        await first.KillAsync();
        return (data, citizens, next);
    }

    [Fact]
    public async Task A_run_stopped_half_way_resumes_and_pays_everyone_exactly_once()
    {
        var time = new ShiftableTimeProvider();
        var (data, citizens, next) = await KillHalfWayThroughARunAsync(time, startByHand: true);

        await using var second = await FloorPayServer.StartAsync(data, Configure(time, rate: 1000, pageSize: 50));
        var run = await Eventually.Satisfies(
            () => second.As(ApiKeys.Auditor).PaydayRuns.GetPaydayRunAsync(new GetPaydayRunRequest { Period = next }).ResponseAsync,
            r => r.Status == "COMPLETED", "the resumed run to complete", TimeSpan.FromSeconds(60));
        Assert.Equal(300, run.CitizensPaid + run.CitizensAlreadyPaid);
        await AssertPaidOnceAsync(second, citizens, next);
        // The money checks must pass, and the aggregates too: the ledger counts payouts in their own transaction, so the
        // kill loses none of them.
        var report = await second.As(ApiKeys.Auditor).Audit.ReconcileAsync(new ReconcileRequest());
        string[] money = ["journal balances to zero", "every payout is posted in the journal", "no citizen is paid twice for a period",
            "every payout has one instruction and every bank's sequence is gap-free", "region aggregates equal the ledger",
            "fund aggregates equal the ledger"];
        foreach (var name in money)
        {
            var check = Assert.Single(report.Checks, c => c.Name == name);
            Assert.True(check.Passed, $"{check.Name}: {check.Detail}");
        }
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_run_left_unfinished_by_a_crash_across_a_period_boundary_resumes_by_itself()
    {
        var time = new ShiftableTimeProvider();
        var (data, citizens, next) = await KillHalfWayThroughARunAsync(time, startByHand: false);

        // The node comes back in the following period: nobody asks for the old run (even reading its progress would
        // wake it), so watch the money through the region's totals instead.
        time.Advance(TimeSpan.FromDays(31));
        await using var second = await FloorPayServer.StartAsync(data, Configure(time, rate: 1000, pageSize: 50));
        await Eventually.Satisfies(() => second.Region("R-NORTH"),
            r => r.Payouts.Any(p => p.Kind == PayoutKind.Floor && p.Period == next && p.Count == 300), "every citizen paid for the unfinished run's period",
            TimeSpan.FromSeconds(60));
        var run = await second.As(ApiKeys.Auditor).PaydayRuns.GetPaydayRunAsync(new GetPaydayRunRequest { Period = next });
        Assert.Equal(300, run.CitizensPaid + run.CitizensAlreadyPaid);
        await AssertPaidOnceAsync(second, citizens, next);
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Runs_refuse_bad_periods_and_other_roles()
    {
        var time = new ShiftableTimeProvider();
        await using var server = await FloorPayServer.StartAsync(configure: Configure(time, rate: 100, pageSize: 10));
        var runs = server.As(ApiKeys.Treasury).PaydayRuns;
        await Expect.Status(StatusCode.InvalidArgument, runs.StartPaydayRunAsync(new StartPaydayRunRequest()));
        await Expect.Status(StatusCode.InvalidArgument, runs.StartPaydayRunAsync(new StartPaydayRunRequest { Period = "December" }));
        await Expect.Status(StatusCode.FailedPrecondition, runs.StartPaydayRunAsync(new StartPaydayRunRequest { Period = "2999-01" }));
        Assert.Equal("NOT_STARTED", (await runs.GetPaydayRunAsync(new GetPaydayRunRequest { Period = "2999-01" })).Status);
        await Expect.Status(StatusCode.PermissionDenied, server.As(ApiKeys.BankA).PaydayRuns.GetPaydayRunAsync(new GetPaydayRunRequest { Period = "2026-01" }));
        await Expect.Status(StatusCode.PermissionDenied, server.As(ApiKeys.Auditor).PaydayRuns.StartPaydayRunAsync(new StartPaydayRunRequest { Period = "2026-01" }));
    }
}
