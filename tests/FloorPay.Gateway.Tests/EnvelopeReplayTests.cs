using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Envelopes are recorded: a resend of the same content replays the recorded results whenever it comes (totals are
/// not checked again against a later price), and an envelope id a bank already used for other content is refused.
/// </summary>
public sealed class EnvelopeReplayTests : IAsyncLifetime
{
    private readonly ShiftableTimeProvider _time = new();
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b =>
        {
            b.Services.AddKeyedSingleton<TimeProvider>(FloorPay.Grains.FloorPayTime.Key, _time);
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FloorPay:Payday:Enabled"] = "false" });
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>An enrollment envelope whose totals match what enrolling pays now (priced by a probe enrollment).</summary>
    private async Task<(EnrollEnvelope Envelope, EnvelopeResult Result)> EnrollEnvelopeAsync(int items)
    {
        for (var attempt = 0; ; attempt++)
        {
            var each = (await _server.EnrollNewCitizen()).Response.FirstPayout.Amount.MinorUnits;
            var envelope = new EnrollEnvelope { EnvelopeId = Ids.Key("env"), ControlCount = items, ControlAmount = Requests.Money(each * items) };
            envelope.Items.AddRange(Enumerable.Range(0, items).Select(_ => Requests.Enroll(Ids.Citizen())));
            try { return (envelope, await _server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(envelope)); }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && attempt < 3) { } // the day turned since the probe
        }
    }

    [Fact]
    public async Task An_envelope_resent_days_later_replays_its_results_and_pays_nothing_more()
    {
        _time.Advance(TimeSpan.FromDays(3)); // not on a period's first day: enrolling pays a pro-rated part, which changes daily
        var (envelope, first) = await EnrollEnvelopeAsync(2);
        Assert.Equal((2, 0, false), (first.Succeeded, first.Failed, first.Replayed));
        Assert.Equal(envelope.ControlAmount.MinorUnits, first.TotalPaid.MinorUnits);

        _time.Advance(TimeSpan.FromDays(1)); // the same content now prices differently
        var resent = await _server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(envelope);

        Assert.True(resent.Replayed);
        Assert.Equal((2, 0), (resent.Succeeded, resent.Failed));
        Assert.Equal(first.TotalPaid, resent.TotalPaid);
        Assert.Equal(first.Items.Select(i => (i.CitizenId, i.Receipt.PayoutId, i.Receipt.Amount.MinorUnits)),
            resent.Items.Select(i => (i.CitizenId, i.Receipt.PayoutId, i.Receipt.Amount.MinorUnits)));
        Assert.All(resent.Items, i => Assert.True(i.Receipt.Replayed));
        foreach (var item in envelope.Items) Assert.Single((await _server.Statement(item.CitizenId)).Payouts);
    }

    [Fact]
    public async Task An_envelope_id_used_again_for_other_content_is_already_exists_and_changes_nothing()
    {
        var (envelope, _) = await EnrollEnvelopeAsync(2);
        var floor = (await _server.Policy()).FloorAmount.MinorUnits;

        var other = envelope.Clone();
        other.Items[1] = Requests.Enroll(Ids.Citizen());
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(other));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = other.Items[1].CitizenId }));

        // The same id for another kind of envelope.
        var payouts = new FloorPayoutEnvelope { EnvelopeId = envelope.EnvelopeId, ControlCount = 1, ControlAmount = Requests.Money(floor) };
        payouts.Items.Add(Requests.Floor(envelope.Items[0].CitizenId, period: "2099-01"));
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.BankA).Bulk.RequestFloorPayoutBatchAsync(payouts));

        // Envelope ids are the bank's own, like its idempotency keys: another bank's envelope with this id is its own,
        // run on its own and never answered with bank-a's results.
        var theirs = new EnrollEnvelope { EnvelopeId = envelope.EnvelopeId, ControlCount = 1, ControlAmount = envelope.ControlAmount.Clone() };
        theirs.ControlAmount.MinorUnits /= 2;
        theirs.Items.Add(Requests.Enroll(Ids.Citizen(), bankId: "bank-b"));
        var result = await _server.As(ApiKeys.BankB).Bulk.EnrollBatchAsync(theirs);
        Assert.Equal((1, false), (result.Succeeded, result.Replayed));
        Assert.Equal(theirs.Items[0].CitizenId, Assert.Single(result.Items).CitizenId);
    }
}
