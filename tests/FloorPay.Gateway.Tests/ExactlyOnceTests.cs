namespace FloorPay.Gateway.Tests;

/// <summary>Rule 3: concurrent duplicates never pay twice. (Concurrent payouts that do pay a new period: <see cref="LaterPeriodPayoutTests"/>.)</summary>
[Collection(SharedServerCollection.Name)]
public sealed class ExactlyOnceTests(SharedServerFixture fixture)
{
    private const int Concurrency = 50;
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task Fifty_concurrent_identical_enrollments_give_one_payout()
    {
        var request = Requests.Enroll(Ids.Citizen());
        var bank = _server.As(ApiKeys.BankA).Citizens;

        var responses = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ => await bank.EnrollAsync(request)));

        Assert.Single(responses.Select(r => r.FirstPayout.PayoutId).Distinct());
        Assert.Single(responses, r => !r.Replayed);
        Assert.Equal(Concurrency - 1, responses.Count(r => r.Replayed && r.FirstPayout.Replayed));
        var statement = await _server.Statement(request.CitizenId);
        var payout = Assert.Single(statement.Payouts);
        Assert.Equal(responses[0].FirstPayout.PayoutId, payout.PayoutId);
    }

    [Fact]
    public async Task Fifty_concurrent_payout_requests_with_different_keys_for_a_paid_period_pay_nothing()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var period = enrolled.FirstPayout.Period;
        var payouts = _server.As(ApiKeys.BankA).Payouts;

        var statuses = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async i =>
        {
            try
            {
                // Half name the period, half leave it empty (= the current period, the same one).
                await payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId, i % 2 == 0 ? period : ""));
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));

        Assert.All(statuses, s => Assert.Equal(StatusCode.AlreadyExists, s));
        var statement = await _server.Statement(citizenId);
        Assert.Equal(enrolled.FirstPayout.PayoutId, Assert.Single(statement.Payouts).PayoutId);
    }

    [Fact]
    public async Task Fifty_concurrent_identical_payout_requests_for_a_paid_period_pay_nothing()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var request = Requests.Floor(citizenId, enrolled.FirstPayout.Period);
        var payouts = _server.As(ApiKeys.BankA).Payouts;

        var statuses = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            try { await payouts.RequestFloorPayoutAsync(request); return StatusCode.OK; }
            catch (RpcException e) { return e.StatusCode; }
        }));

        Assert.All(statuses, s => Assert.Equal(StatusCode.AlreadyExists, s));
        Assert.Single((await _server.Statement(citizenId)).Payouts);
    }

    [Fact]
    public async Task A_reused_key_with_other_content_is_refused_across_operations()
    {
        var citizenId = Ids.Citizen();
        var enroll = Requests.Enroll(citizenId);
        await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(enroll);
        var before = await _server.Statement(citizenId);

        // The enrollment's key used for a payout request: other content, so ALREADY_EXISTS (not a replay of the enrollment).
        await Expect.Status(StatusCode.AlreadyExists,
            _server.As(ApiKeys.BankA).Payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId, key: enroll.IdempotencyKey)));
        await Expect.Status(StatusCode.AlreadyExists,
            _server.As(ApiKeys.BankA).Payouts.ClaimDividendsAsync(Requests.Claim(citizenId, key: enroll.IdempotencyKey)));

        Assert.Equal(before, await _server.Statement(citizenId));
    }
}
