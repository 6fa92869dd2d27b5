namespace FloorPay.Gateway.Tests;

/// <summary>
/// Rules 1 and 3 for periods after enrollment: the floor of a new period is paid on request, exactly once even under
/// 50 concurrent identical requests, and a missed past period after enrollment can still be claimed once.
/// </summary>
[Collection(TimeTravelCollection.Name)]
public sealed class LaterPeriodPayoutTests(TimeTravelServerFixture fixture)
{
    private const int Concurrency = 50;
    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task Later_periods_pay_on_request_exactly_once_under_concurrent_duplicates()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen(region: "R-EAST");
        var enrollmentPeriod = enrolled.FirstPayout.Period;
        var payouts = _server.As(ApiKeys.BankA).Payouts;

        // A month and a half later: two periods after the enrollment period have begun (monthly or weekly policy alike).
        fixture.Time.Advance(TimeSpan.FromDays(66));
        var policy = await _server.Policy();
        Assert.NotEqual(enrollmentPeriod, policy.CurrentPeriod);

        // 50 concurrent identical requests for the current period: one payout, one original answer, 49 replays of it.
        var request = Requests.Floor(citizenId);
        var receipts = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ => await payouts.RequestFloorPayoutAsync(request)));
        Assert.Single(receipts.Select(r => r.PayoutId).Distinct());
        Assert.Single(receipts, r => !r.Replayed);
        var paid = receipts.Single(r => !r.Replayed);
        Assert.Equal(policy.CurrentPeriod, paid.Period);
        Assert.Equal(policy.FloorAmount, paid.Amount);
        Assert.Equal(PayoutKind.Floor, paid.Kind);
        Assert.StartsWith("FLOOR_PERIOD@", paid.ReasonCode);

        // A different key for the same period is not a second payout.
        await Expect.Status(StatusCode.AlreadyExists, payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId, policy.CurrentPeriod)));

        // A missed period between enrollment and now can be paid, once.
        var missed = Periods.Next(enrollmentPeriod);
        Assert.NotEqual(policy.CurrentPeriod, missed);
        var missedRequest = Requests.Floor(citizenId, missed);
        var missedReceipts = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ => await payouts.RequestFloorPayoutAsync(missedRequest)));
        Assert.Single(missedReceipts.Select(r => r.PayoutId).Distinct());
        Assert.Single(missedReceipts, r => !r.Replayed);
        Assert.Equal(missed, missedReceipts[0].Period);

        var statement = await _server.Statement(citizenId);
        Assert.Equal(3, statement.Payouts.Count);
        Assert.Equal(3, statement.Payouts.Select(p => p.Period).Distinct().Count());
        Assert.Equal([enrollmentPeriod, missed, policy.CurrentPeriod], statement.Payouts.Select(p => p.Period).Order(StringComparer.Ordinal));
    }
}
