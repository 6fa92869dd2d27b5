namespace FloorPay.Grains.Tests;

/// <summary>
/// Two isolated clusters on one PostgreSQL database with the same service id: each has its own activation of the same
/// citizen, as happens briefly during membership changes. The ledger's unique keys and the state's ETags must still
/// allow one payout only.
/// </summary>
public sealed class DuplicateActivationTests : IAsyncLifetime
{
    private GrainCluster _a = null!;
    private GrainCluster _b = null!;

    public async Task InitializeAsync()
    {
        var storage = GrainCluster.Postgres();
        _a = await GrainCluster.StartAsync(storage, silos: 1);
        _b = await GrainCluster.StartAsync(storage, silos: 1, serviceId: _a.ServiceId);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static EnrollCommand Enroll(string key, string token) => new(key, "R-EAST", new PayoutAccount("bank-a", token), "bank-a");

    [Fact]
    public async Task Two_activations_racing_enrollment_and_payouts_pay_once()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = $"dup-{round}-{Guid.NewGuid():N}";
            var results = await Task.WhenAll(
                _a.Grains.Citizen(id).Enroll(Enroll($"from-a-{round}", "tok-a")),
                _b.Grains.Citizen(id).Enroll(Enroll($"from-b-{round}", "tok-b")));

            Assert.Single(results, r => r.Rejection is null);
            Assert.Single(results, r => r.Rejection?.Kind == RejectionKind.AlreadyExists);
            var winner = results.Single(r => r.Rejection is null).Value!;

            // Both activations now agree on the winner, whichever one each is.
            foreach (var cluster in new[] { _a, _b })
            {
                var statement = (await cluster.Grains.Citizen(id).GetStatement(new StatementQuery(null))).Value!;
                Assert.Equal(winner.FirstPayout.PayoutId, Assert.Single(statement.Payouts).PayoutId);
            }
        }
    }

    [Fact]
    public async Task A_stale_activation_that_missed_a_payout_replays_the_other_ones_result_for_the_same_request()
    {
        var id = $"stale-{Guid.NewGuid():N}";
        // Activate in both clusters before anything is paid, so cluster B's activation holds a stale (empty) view.
        Assert.Equal(RejectionKind.NotFound, (await _b.Grains.Citizen(id).GetStatement(new StatementQuery(null))).Rejection?.Kind);
        var paid = (await _a.Grains.Citizen(id).Enroll(Enroll("same-key", "tok"))).Value!;

        var replay = await _b.Grains.Citizen(id).Enroll(Enroll("same-key", "tok"));
        Assert.Null(replay.Rejection);
        Assert.True(replay.Value!.Replayed);
        Assert.Equal(paid.FirstPayout.PayoutId, replay.Value.FirstPayout.PayoutId);

        var other = await _b.Grains.Citizen(id).Enroll(Enroll("same-key", "tok-other"));
        Assert.Equal(RejectionKind.AlreadyExists, other.Rejection?.Kind);
    }
}
