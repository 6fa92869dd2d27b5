namespace FloorPay.Gateway.Tests;

/// <summary>Bulk envelopes: control totals must match or nothing happens; each item then gets its own result and the
/// same resend semantics as the single call.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class BulkEnvelopeTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    private async Task<long> FloorAsync() => (await _server.Policy()).FloorAmount.MinorUnits;

    private static EnrollEnvelope Envelope(IEnumerable<EnrollRequest> items, int? count = null, long? amount = null, long floor = 0)
    {
        var envelope = new EnrollEnvelope { EnvelopeId = Ids.Key("env") };
        envelope.Items.AddRange(items);
        envelope.ControlCount = count ?? envelope.Items.Count;
        envelope.ControlAmount = Requests.Money(amount ?? floor * envelope.Items.Count);
        return envelope;
    }

    private async Task AssertNobodyEnrolled(IEnumerable<string> citizenIds)
    {
        foreach (var id in citizenIds)
            await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = id }));
    }

    [Fact]
    public async Task A_matching_envelope_pays_every_item_once_and_a_resend_replays_it()
    {
        var floor = await FloorAsync();
        var items = Enumerable.Range(0, 60).Select(_ => Requests.Enroll(Ids.Citizen())).ToList();
        var envelope = Envelope(items, floor: floor);

        var result = await _server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(envelope);
        Assert.Equal((60, 0), (result.Succeeded, result.Failed));
        Assert.Equal(floor * 60, result.TotalPaid.MinorUnits);
        Assert.Equal(items.Select(i => i.CitizenId), result.Items.OrderBy(r => r.Index).Select(r => r.CitizenId));
        Assert.All(result.Items, r => Assert.False(r.Receipt.Replayed));

        var again = await _server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(envelope);
        Assert.All(again.Items, r => Assert.True(r.Receipt.Replayed));
        Assert.Equal(result.Items.Select(r => r.Receipt.PayoutId), again.Items.Select(r => r.Receipt.PayoutId));
        Assert.Single((await _server.Statement(items[7].CitizenId)).Payouts);
    }

    [Fact]
    public async Task A_mismatched_or_bad_envelope_is_refused_whole_and_changes_nothing()
    {
        var floor = await FloorAsync();
        var items = Enumerable.Range(0, 5).Select(_ => Requests.Enroll(Ids.Citizen())).ToList();
        var ids = items.Select(i => i.CitizenId).ToList();
        var bank = _server.As(ApiKeys.BankA).Bulk;

        await Expect.Status(StatusCode.InvalidArgument, bank.EnrollBatchAsync(Envelope(items, count: 4, floor: floor)));
        await Expect.Status(StatusCode.InvalidArgument, bank.EnrollBatchAsync(Envelope(items, amount: floor * 5 + 1)));
        await Expect.Status(StatusCode.InvalidArgument, bank.EnrollBatchAsync(Envelope(items.Append(Requests.Enroll("bad id")), floor: floor)));
        await Expect.Status(StatusCode.InvalidArgument, bank.EnrollBatchAsync(Envelope(items.Append(Requests.Enroll(ids[0])), floor: floor)));
        await Expect.Status(StatusCode.PermissionDenied, bank.EnrollBatchAsync(Envelope(items.Append(Requests.Enroll(Ids.Citizen(), bankId: "bank-b")), floor: floor)));
        await Expect.Status(StatusCode.NotFound, bank.EnrollBatchAsync(Envelope(items.Append(Requests.Enroll(Ids.Citizen(), region: "R-NOWHERE")), floor: floor)));
        await Expect.Status(StatusCode.InvalidArgument, bank.EnrollBatchAsync(Envelope(Enumerable.Range(0, 1001).Select(_ => Requests.Enroll(Ids.Citizen())), floor: floor)));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.Treasury).Bulk.EnrollBatchAsync(Envelope(items, floor: floor)));
        await AssertNobodyEnrolled(ids);
    }

    [Fact]
    public async Task Each_payout_item_gets_the_answer_the_single_call_would_give()
    {
        var floor = await FloorAsync();
        var (enrolled, _) = await _server.EnrollNewCitizen();
        var stranger = Ids.Citizen();
        var envelope = new FloorPayoutEnvelope { EnvelopeId = Ids.Key("env"), ControlCount = 2, ControlAmount = Requests.Money(floor * 2) };
        envelope.Items.Add(Requests.Floor(enrolled));   // the current period was paid at enrollment
        envelope.Items.Add(Requests.Floor(stranger));   // not enrolled

        var result = await _server.As(ApiKeys.BankA).Bulk.RequestFloorPayoutBatchAsync(envelope);
        Assert.Equal((0, 2), (result.Succeeded, result.Failed));
        Assert.Equal((int)StatusCode.AlreadyExists, result.Items[0].StatusCode);
        Assert.Equal((int)StatusCode.NotFound, result.Items[1].StatusCode);
        Assert.Single((await _server.Statement(enrolled)).Payouts);
    }
}
