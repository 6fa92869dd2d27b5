namespace FloorPay.Gateway.Tests;

/// <summary>
/// The reproduction of the policy rewrite, from outside: a node restarted with version 1 changed, or with a version 2
/// taking effect in the current period, refuses to start; the published text, and what citizens were paid, stay.
/// </summary>
public sealed class PolicyPublicationTests
{
    private static Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Versions(params (int Version, string From, long Floor)[] versions) => b =>
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < versions.Length; i++)
        {
            var (version, from, floor) = versions[i];
            var prefix = $"FloorPay:Policy:Versions:{i}:";
            settings[prefix + "Version"] = version.ToString();
            settings[prefix + "EffectiveFrom"] = from;
            settings[prefix + "Currency"] = "EUR";
            settings[prefix + "FloorAmount"] = floor.ToString();
            settings[prefix + "ContributionQuotaMinutes"] = "600";
            settings[prefix + "ContributionCategories:0"] = "care";
            settings[prefix + "LowRunwayAlertPeriods"] = "3";
        }
        b.Configuration.AddInMemoryCollection(settings);
    };

    [Fact]
    public async Task A_restart_that_would_rewrite_published_policy_is_refused_and_the_published_text_stays()
    {
        var data = FloorPayServer.NewDataDirectory();
        var current = DateTime.UtcNow.ToString("yyyy-MM");
        var next = DateTime.UtcNow.AddMonths(1).ToString("yyyy-MM");
        string citizen;
        await using (var first = await FloorPayServer.StartAsync(data, Versions((1, "2026-01", 120_000))))
        {
            (citizen, _) = await first.EnrollNewCitizen();
        }

        var rewritten = await Assert.ThrowsAsync<InvalidOperationException>(() => FloorPayServer.StartAsync(data, Versions((1, "2026-01", 90_000))));
        Assert.Contains("never changes", rewritten.Message);
        var early = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            FloorPayServer.StartAsync(data, Versions((1, "2026-01", 120_000), (2, current, 150_000))));
        Assert.Contains("future period", early.Message);

        // A node configured with nothing serves the stored book; a version from the next period is published.
        await using (var plain = await FloorPayServer.StartAsync(data))
        {
            var v1 = await plain.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest { Version = 1 });
            Assert.Equal(120_000, v1.FloorAmount.MinorUnits);
            Assert.Equal(120_000, (await plain.Statement(citizen)).Payouts[0].Amount.MinorUnits);
        }
        await using var updated = await FloorPayServer.StartAsync(data, Versions((1, "2026-01", 120_000), (2, next, 150_000)));
        var v2 = await updated.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest { Version = 2 });
        Assert.Equal((150_000, next), (v2.FloorAmount.MinorUnits, v2.EffectiveFrom));
        Assert.Equal(120_000, (await updated.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest { Version = 1 })).FloorAmount.MinorUnits);
    }
}
