using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace FloorPay.Gateway.Tests;

/// <summary>The Orleans Dashboard (FloorPay:Dashboard:Enabled): on the management listener, to auditors only.</summary>
public sealed class DashboardTests
{
    private static HttpRequestMessage Get(string path, string? id = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (id is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{key}")));
        return request;
    }

    /// <summary>On PostgreSQL, as deployed: cluster membership in the database.</summary>
    [Fact]
    public async Task Switched_on_it_shows_the_cluster_to_an_auditor_on_the_management_listener_and_to_nobody_else()
    {
        var connectionString = await TestPostgres.NewDatabaseAsync();
        await using var server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Dashboard:Enabled"] = "true",
            ["FloorPay:Storage:Provider"] = "PostgreSql",
            ["FloorPay:Storage:ConnectionString"] = connectionString,
        }));
        await Steps.Retrying(() => server.EnrollNewCitizen());

        // Nobody without an auditor's id and key: not anonymous, not a bank, not an auditor's key under another id.
        foreach (var (id, key) in new (string?, string?)[] { (null, null), ("bank-a", ApiKeys.BankA), ("bank-a", ApiKeys.Auditor), ("auditor", "wrong") })
        {
            using var refused = await server.Management.SendAsync(Get("/dashboard/DashboardCounters", id, key));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("Basic", refused.Headers.WwwAuthenticate.ToString());
        }

        using var page = await server.Management.SendAsync(Get("/dashboard/", "auditor", ApiKeys.Auditor));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // The counters list this silo as active (membership read from the database) and name FloorPay's grain types, once a
        // sample has been taken (every second).
        await Eventually.Satisfies(async () =>
        {
            using var counters = await server.Management.SendAsync(Get("/dashboard/DashboardCounters", "auditor", ApiKeys.Auditor));
            return (counters.StatusCode, Body: await counters.Content.ReadAsStringAsync());
        }, c => c.StatusCode == HttpStatusCode.OK && c.Body.Contains("CitizenGrain", StringComparison.Ordinal)
                 && c.Body.Contains("\"Active\"", StringComparison.Ordinal), "the dashboard's counters");

        // The live log stream stays off: logs are not for the dashboard's viewers.
        using var trace = await server.Management.SendAsync(Get("/dashboard/Trace", "auditor", ApiKeys.Auditor), HttpCompletionOption.ResponseHeadersRead);
        Assert.NotEqual(HttpStatusCode.OK, trace.StatusCode);

        // The API port does not serve it, even to an auditor.
        using var onApiPort = await server.Http.SendAsync(Get("/dashboard/DashboardCounters", "auditor", ApiKeys.Auditor));
        Assert.Equal(HttpStatusCode.NotFound, onApiPort.StatusCode);
        // Metrics and health still answer on the management listener.
        using var metrics = await server.Management.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public async Task Off_by_default()
    {
        await using var server = await FloorPayServer.StartAsync();
        using var response = await server.Management.SendAsync(Get("/dashboard/DashboardCounters", "auditor", ApiKeys.Auditor));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
