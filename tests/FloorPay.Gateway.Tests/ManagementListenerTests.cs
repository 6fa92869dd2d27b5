using System.Net;
using System.Text.RegularExpressions;
using FloorPay.Gateway.Observability;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Metrics and HTTP health are served on the management listener only, never on the API ports; and metric labels come
/// from a closed set, so that made-up paths cannot create new series (rule 13).
/// </summary>
public sealed partial class ManagementListenerTests : IAsyncLifetime
{
    // A bank whose write rate is all but zero: every call after its first is refused at admission, as a flood would be.
    private const string FlooderKey = "test-flooder-key";
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Participants:0:Id"] = "flooder", ["FloorPay:Participants:0:Role"] = "bank",
            ["FloorPay:Participants:0:BankId"] = "flooder", ["FloorPay:Participants:0:ApiKey"] = FlooderKey,
            ["FloorPay:Participants:0:WritesPerSecond"] = "0.001",
        }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Metrics_and_health_are_served_on_the_management_port_and_not_on_the_api_ports()
    {
        using var grpcPort = WireClients.Grpc(_server);
        foreach (var path in new[] { "/metrics", "/health/live", "/health/ready" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync(path)).StatusCode);
            using var overHttp2 = new HttpRequestMessage(HttpMethod.Get, path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            Assert.Equal(HttpStatusCode.NotFound, (await grpcPort.SendAsync(overHttp2)).StatusCode);
            // Naming the management port in the Host header does not make an API port serve it.
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, path);
            spoofed.Headers.Host = $"127.0.0.1:{_server.ManagementPort}";
            Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.SendAsync(spoofed)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _server.Management.GetAsync(path)).StatusCode);
        }
        Assert.Contains("floorpay_gateway_", await _server.Management.GetStringAsync("/metrics"));

        // The management port serves nothing of the API.
        using var policy = new HttpRequestMessage(HttpMethod.Get, "/v1/policy");
        policy.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FlooderKey);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Management.SendAsync(policy)).StatusCode);
        // The API still answers on its ports.
        Assert.NotNull(await _server.As(FlooderKey).Policies.GetPolicyAsync(new GetPolicyRequest()));
    }

    [Fact]
    public async Task Made_up_paths_add_no_metric_label_values()
    {
        using var client = WireClients.Grpc(_server);
        for (var i = 0; i < 200; i++)
        {
            // Authenticated (refused at admission by the rate limit) and unauthenticated, native and JSON.
            foreach (var key in new[] { FlooderKey, null })
            {
                using var request = WireClients.GrpcRequest($"/floorpay.v1.Citizens/MadeUp{i}", WireClients.Frame(new GetPolicyRequest()), key);
                using var response = await client.SendAsync(request);
                using var json = await _server.Http.GetAsync($"/v1/made-up/{i}");
            }
        }

        var labels = MethodLabel().Matches(await _server.Management.GetStringAsync("/metrics")).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.DoesNotContain(labels, l => l.Contains("MadeUp", StringComparison.Ordinal) || l.Contains("made-up", StringComparison.Ordinal));
        Assert.All(labels, l => Assert.True(l == GatewayMethods.Unknown || GatewayMethods.All.Contains(l), $"label value {l} is not a method of the server"));
        Assert.Contains(GatewayMethods.Unknown, labels); // the refusals were counted, under "unknown"
    }

    [GeneratedRegex("^floorpay_gateway_[a-z_]+\\{[^}]*method=\"([^\"]*)\"", RegexOptions.Multiline)]
    private static partial Regex MethodLabel();
}
