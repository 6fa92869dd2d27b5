namespace FloorPay.Gateway.Tests;

/// <summary>Rule 3 across restarts: stopping the single-node host and starting it again on the same SQLite file keeps everything.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task A_restart_on_the_same_data_directory_keeps_citizens_payouts_and_funds()
    {
        var dataDirectory = FloorPayServer.NewDataDirectory();
        try
        {
            var enroll = Requests.Enroll(Ids.Citizen(), region: "R-SOUTH");
            var inflow = Requests.Inflow(987_654_321);
            EnrollResponse enrolled;
            Statement before;
            InflowReceipt inflowReceipt;
            await using (var first = await FloorPayServer.StartAsync(dataDirectory))
            {
                enrolled = await first.As(ApiKeys.BankA).Citizens.EnrollAsync(enroll);
                inflowReceipt = await first.As(ApiKeys.Treasury).Funds.RecordInflowAsync(inflow);
                await first.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(enroll.CitizenId, "care", 75));
                await first.As(ApiKeys.Reviewer).Contributions.GrantExemptionAsync(Requests.Exemption(enroll.CitizenId, "caregiving"));
                before = await first.Statement(enroll.CitizenId);
                Assert.True(File.Exists(first.DatabaseFile), $"the state is in a SQLite file under the data directory ({first.DatabaseFile})");
            }

            Assert.True(File.Exists(Path.Combine(dataDirectory, "floorpay.db")));
            await using var second = await FloorPayServer.StartAsync(dataDirectory);

            var after = await second.Statement(enroll.CitizenId);
            Assert.Equal(before, after);
            Assert.Single(after.Payouts);
            Assert.Equal(75, Assert.Single(after.Contributions).TotalMinutes);
            Assert.Single(after.Exemptions);

            var replay = await second.As(ApiKeys.BankA).Citizens.EnrollAsync(enroll);
            Assert.True(replay.Replayed);
            Assert.Equal(enrolled.FirstPayout.PayoutId, replay.FirstPayout.PayoutId);
            Assert.Equal(enrolled.FirstPayout.PaidAt, replay.FirstPayout.PaidAt);

            var inflowReplay = await second.As(ApiKeys.Treasury).Funds.RecordInflowAsync(inflow);
            Assert.True(inflowReplay.Replayed);
            Assert.Equal(inflowReceipt.InflowId, inflowReplay.InflowId);

            var fund = await second.Fund();
            Assert.Equal(987_654_321, fund.Inflows.MinorUnits);
            // No second payout after the restart either.
            await Expect.Status(Grpc.Core.StatusCode.AlreadyExists, second.As(ApiKeys.BankA).Payouts.RequestFloorPayoutAsync(Requests.Floor(enroll.CitizenId)));
            Assert.Single((await second.Statement(enroll.CitizenId)).Payouts);
        }
        finally
        {
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
