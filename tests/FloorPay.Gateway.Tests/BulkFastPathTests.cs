using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Envelopes' ordinary items are posted straight to the ledger, without a citizen grain each. The answers must be the
/// single call's: resends replay, other banks' citizens and reused keys are refused, and citizen grains that were
/// already active see what the envelope wrote. Run on both stores.
/// </summary>
public abstract class BulkFastPathContract : IAsyncLifetime
{
    private readonly ShiftableTimeProvider _time = new();
    private FloorPayServer _server = null!;

    protected abstract Task<Action<WebApplicationBuilder>> StoreAsync();

    public async Task InitializeAsync()
    {
        var store = await StoreAsync();
        _server = await FloorPayServer.StartAsync(configure: b =>
        {
            store(b);
            b.Services.AddKeyedSingleton<TimeProvider>(FloorPay.Grains.FloorPayTime.Key, _time);
            // The test pays the next period by envelope: no payday run may race it.
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FloorPay:Payday:Enabled"] = "false" });
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<long> FloorAsync() => (await _server.Policy()).FloorAmount.MinorUnits;

    private async Task<EnvelopeResult> EnrollAsync(IReadOnlyList<EnrollRequest> items)
    {
        var envelope = new EnrollEnvelope
        {
            EnvelopeId = Ids.Key("env"), ControlCount = items.Count, ControlAmount = Requests.Money(await FloorAsync() * items.Count),
        };
        envelope.Items.AddRange(items);
        return await _server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(envelope);
    }

    private async Task<EnvelopeResult> PayAsync(IReadOnlyList<FloorPayoutRequest> items, string bankKey = ApiKeys.BankA)
    {
        var envelope = new FloorPayoutEnvelope
        {
            EnvelopeId = Ids.Key("env"), ControlCount = items.Count, ControlAmount = Requests.Money(await FloorAsync() * items.Count),
        };
        envelope.Items.AddRange(items);
        return await _server.As(bankKey).Bulk.RequestFloorPayoutBatchAsync(envelope);
    }

    [Fact]
    public async Task Enrollments_and_next_period_payouts_post_once_replay_on_resend_and_are_seen_by_active_grains()
    {
        var enrollments = Enumerable.Range(0, 150).Select(_ => Requests.Enroll(Ids.Citizen())).ToList();
        var ids = enrollments.Select(e => e.CitizenId).ToList();
        // An activation that saw the citizen before it was enrolled must not keep saying NOT_FOUND.
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = ids[0] }));

        var enrolled = await EnrollAsync(enrollments);
        Assert.Equal((150, 0), (enrolled.Succeeded, enrolled.Failed));
        Assert.All(enrolled.Items, i => Assert.False(i.Receipt.Replayed));
        var statement = await _server.Statement(ids[0]);
        Assert.Equal(enrolled.Items.Single(i => i.CitizenId == ids[0]).Receipt.PayoutId, Assert.Single(statement.Payouts).PayoutId);
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.BankA).Payouts.RequestFloorPayoutAsync(Requests.Floor(ids[0])));

        var again = await EnrollAsync(enrollments);
        Assert.Equal(150, again.Succeeded);
        Assert.All(again.Items, i => Assert.True(i.Receipt.Replayed));
        Assert.Equal(enrolled.Items.Select(i => i.Receipt.PayoutId), again.Items.Select(i => i.Receipt.PayoutId));

        // Next period: the floor for every citizen by envelope.
        _time.Advance(TimeSpan.FromDays(32));
        await _server.Statement(ids[1]); // an active grain, whose cache predates the envelope
        var requests = ids.Select(id => Requests.Floor(id)).ToList();
        var paid = await PayAsync(requests);
        Assert.Equal((150, 0), (paid.Succeeded, paid.Failed));
        var resent = await PayAsync(requests);
        Assert.All(resent.Items, i => Assert.True(i.Receipt.Replayed, $"{i.CitizenId}: {i.StatusCode} {i.StatusMessage}"));
        Assert.Equal(paid.Items.Select(i => i.Receipt.PayoutId), resent.Items.Select(i => i.Receipt.PayoutId));
        foreach (var id in ids.Take(20))
        {
            var s = await _server.Statement(id);
            Assert.Equal(2, s.Payouts.Count);
            Assert.Equal(2, s.Instructions.Count);
        }
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.BankA).Payouts.RequestFloorPayoutAsync(Requests.Floor(ids[1])));

        var report = await _server.As(ApiKeys.Auditor).Audit.ReconcileAsync(new ReconcileRequest());
        Assert.True(report.Passed, string.Join("; ", report.Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Detail}")));
    }

    [Fact]
    public async Task Items_the_fast_path_cannot_decide_get_the_single_calls_answer()
    {
        EnrollRequest[] enrollments = [Requests.Enroll(Ids.Citizen()), Requests.Enroll(Ids.Citizen())];
        var mine = await EnrollAsync(enrollments);
        var (theirs, _) = await _server.EnrollNewCitizen(bankKey: ApiKeys.BankB, bankId: "bank-b");
        var a = mine.Items[0].CitizenId;
        var b = mine.Items[1].CitizenId;
        // Bank A's own key, already used to enroll b; and a key the platform used, which is not bank A's.
        var reusedKey = enrollments[1].IdempotencyKey;
        var platformKey = Ids.Key("platform");
        await _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(a, key: platformKey));
        _time.Advance(TimeSpan.FromDays(32));

        var result = await PayAsync([Requests.Floor(a, key: reusedKey), Requests.Floor(b, key: platformKey), Requests.Floor(Ids.Citizen())]);
        Assert.Equal((int)StatusCode.AlreadyExists, result.Items[0].StatusCode);
        Assert.Equal(0, result.Items[1].StatusCode);
        Assert.Equal((int)StatusCode.NotFound, result.Items[2].StatusCode);
        Assert.Single((await _server.Statement(a)).Payouts); // the reused key paid nothing

        // Another bank's account holder: refused as the single call would be, and not paid.
        var foreign = await PayAsync([Requests.Floor(theirs)]);
        Assert.Equal((int)StatusCode.PermissionDenied, Assert.Single(foreign.Items).StatusCode);
        Assert.Single((await _server.Statement(theirs)).Payouts);
    }
}

public sealed class BulkFastPathOnSqlite : BulkFastPathContract
{
    protected override Task<Action<WebApplicationBuilder>> StoreAsync() => Task.FromResult<Action<WebApplicationBuilder>>(_ => { });
}

public sealed class BulkFastPathOnPostgres : BulkFastPathContract
{
    protected override async Task<Action<WebApplicationBuilder>> StoreAsync()
    {
        var connectionString = await TestPostgres.NewDatabaseAsync();
        return b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Storage:Provider"] = "PostgreSql",
            ["FloorPay:Storage:ConnectionString"] = connectionString,
        });
    }
}
