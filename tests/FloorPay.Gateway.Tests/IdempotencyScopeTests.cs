namespace FloorPay.Gateway.Tests;

/// <summary>
/// Rule 4 with the scope a payment integrator expects: an idempotency key belongs to the calling participant (a bank's
/// id for banks), across every citizen and every kind of request. The same participant reusing it for anything else is
/// ALREADY_EXISTS and changes nothing; another participant's keys are its own.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class IdempotencyScopeTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task A_banks_key_names_one_request_across_all_its_citizens_and_operations()
    {
        var key = Ids.Key("scope");
        var first = Ids.Citizen();
        var request = Requests.Enroll(first, key: key);
        var enrolled = await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(request);

        // The same key for another citizen, or for another operation, is a different request: refused, nothing changes.
        var second = Ids.Citizen();
        var refused = await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(second, key: key)));
        Assert.Contains(key, refused.Status.Detail);
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.BankA).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = second }));
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.BankA).Payouts.ClaimDividendsAsync(Requests.Claim(first, key: key)));

        // The original request still replays.
        var replay = await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(request);
        Assert.True(replay.Replayed);
        Assert.Equal(enrolled.FirstPayout.PayoutId, replay.FirstPayout.PayoutId);

        // Another participant's key space is its own: bank B and a platform may use the same string.
        var third = Ids.Citizen();
        Assert.False((await _server.As(ApiKeys.BankB).Citizens.EnrollAsync(Requests.Enroll(third, bankId: "bank-b", key: key))).Replayed);
        var contribution = await _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(first, key: key));
        Assert.False(contribution.Replayed);
        Assert.True((await _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(first, key: key))).Replayed);
        await Expect.Status(StatusCode.AlreadyExists,
            _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(first, minutes: 30, key: key)));
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(third, key: key)));
        Assert.Single((await _server.Statement(first)).Payouts);
    }

    [Fact]
    public async Task One_key_sent_for_two_citizens_at_once_pays_one_of_them()
    {
        var key = Ids.Key("race");
        var citizens = Enumerable.Range(0, 6).Select(_ => Ids.Citizen()).ToList();
        var outcomes = await Task.WhenAll(citizens.Select(async c =>
        {
            try { return (await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(c, key: key))).CitizenId; }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists) { return null; }
        }));

        var winner = Assert.Single(outcomes, o => o is not null);
        foreach (var c in citizens.Where(c => c != winner))
            await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.BankA).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = c }));
    }
}
