namespace FloorPay.Gateway.Tests;

/// <summary>
/// A graceful stop loses nothing. Payouts and enrollments are counted by the ledger in their own transaction; contribution
/// minutes travel through the aggregate feed, whose last batch must be delivered while the silo can still process it.
/// </summary>
public sealed class GracefulStopTests
{
    private const int Citizens = 20;

    [Fact]
    public async Task Aggregates_of_enrollments_and_contributions_just_before_a_graceful_stop_survive_the_restart()
    {
        var dataDirectory = FloorPayServer.NewDataDirectory();
        try
        {
            long floorAmount;
            await using (var first = await FloorPayServer.StartAsync(dataDirectory))
            {
                floorAmount = (await first.Policy()).FloorAmount.MinorUnits;
                var bank = first.As(ApiKeys.BankA).Citizens;
                var platform = first.As(ApiKeys.Platform).Contributions;
                await Task.WhenAll(Enumerable.Range(0, Citizens).Select(async _ =>
                {
                    var citizen = Ids.Citizen();
                    await bank.EnrollAsync(Requests.Enroll(citizen));
                    await platform.RecordContributionAsync(Requests.Contribution(citizen, "care", 90));
                }));
                // Stopped at once: the last contributions' deltas are still queued in the feed; a graceful stop must deliver them.
            }

            await using var second = await FloorPayServer.StartAsync(dataDirectory);

            var fund = await second.Fund();
            Assert.Equal(Citizens, fund.EnrolledCount);
            Assert.Equal(Citizens * floorAmount, fund.FloorOutflows.MinorUnits);
            var region = await Eventually.Satisfies(() => second.Region("R-NORTH"), r => r.ContributionMinutes.GetValueOrDefault("care") == Citizens * 90,
                $"all {Citizens} contributions made before the graceful stop counted in R-NORTH after the restart", TimeSpan.FromSeconds(5));
            Assert.Equal(Citizens, region.EnrolledCount);
            Assert.Equal(Citizens, Assert.Single(region.Payouts).Count);
        }
        finally
        {
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
