namespace FloorPay.Gateway.Tests;

/// <summary>
/// A graceful stop loses nothing: the aggregate feed's last batch (enrollments and payouts not yet delivered to regions and
/// the fund) must be delivered while the silo can still process it, so the counts are right after the restart.
/// </summary>
public sealed class GracefulStopTests
{
    private const int Enrollments = 20;

    [Fact]
    public async Task Aggregates_of_enrollments_just_before_a_graceful_stop_survive_the_restart()
    {
        var dataDirectory = FloorPayServer.NewDataDirectory();
        try
        {
            long floorAmount;
            await using (var first = await FloorPayServer.StartAsync(dataDirectory))
            {
                floorAmount = (await first.Policy()).FloorAmount.MinorUnits;
                var bank = first.As(ApiKeys.BankA).Citizens;
                var enrolling = Enumerable.Range(0, Enrollments).Select(async _ => await bank.EnrollAsync(Requests.Enroll(Ids.Citizen()))).ToList();
                await Task.WhenAll(enrolling);
                // Stopped at once: the last enrollments' aggregate deltas are still queued in the feed; a graceful stop must deliver them.
            }

            await using var second = await FloorPayServer.StartAsync(dataDirectory);

            var fund = await Eventually.Satisfies(second.Fund, f => f.EnrolledCount == Enrollments,
                $"all {Enrollments} enrollments made before the graceful stop counted in the fund after the restart", TimeSpan.FromSeconds(5));
            Assert.Equal(Enrollments * floorAmount, fund.FloorOutflows.MinorUnits);
            var region = await Eventually.Satisfies(() => second.Region("R-NORTH"), r => r.EnrolledCount == Enrollments,
                $"all {Enrollments} enrollments made before the graceful stop counted in R-NORTH after the restart", TimeSpan.FromSeconds(5));
            Assert.Equal(Enrollments, Assert.Single(region.Payouts).Count);
        }
        finally
        {
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
