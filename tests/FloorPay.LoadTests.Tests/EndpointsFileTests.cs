using FloorPay.LoadTests.Scenarios;
using FloorPay.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FloorPay.LoadTests.Tests;

/// <summary>The runner's stand-in for a Kubernetes Service: calls go to whatever the endpoints file lists now.</summary>
[Collection("runner")]
public sealed class EndpointsFileTests
{
    [Fact]
    public async Task Calls_follow_the_endpoints_file_as_it_is_rewritten()
    {
        await using var node = await LocalNode.StartAsync([]);
        var file = Path.Combine(Path.GetTempPath(), $"floorpay-endpoints-{Guid.NewGuid():N}");
        var live = new Uri(node.Address).Authority;
        try
        {
            await File.WriteAllTextAsync(file, $"# the service's ready pods\n{live}\n");
            using var channel = EndpointsFile.Channel(file, new GrpcChannelOptions());
            var audit = new Audit.AuditClient(channel);
            var auditor = new Metadata { { "authorization", "Bearer dev-auditor" } };

            Assert.True((await audit.ReconcileAsync(new ReconcileRequest(), auditor, deadline: DateTime.UtcNow.AddMinutes(1))).Passed);

            // The pod leaves the endpoints, another (not answering) is listed instead: calls fail, they are not sent to it.
            await File.WriteAllTextAsync(file, "127.0.0.1:1\n");
            await EventuallyAsync(async () =>
            {
                try
                {
                    await audit.ReconcileAsync(new ReconcileRequest(), auditor, deadline: DateTime.UtcNow.AddSeconds(2));
                    return false; // still sent to the pod: the file was not re-read yet
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded) { return true; }
            });

            // Listed again: calls reach it again.
            await File.WriteAllTextAsync(file, $"{live}\n");
            await EventuallyAsync(async () =>
            {
                try { return (await audit.ReconcileAsync(new ReconcileRequest(), auditor, deadline: DateTime.UtcNow.AddSeconds(10))).Passed; }
                catch (RpcException) { return false; }
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_line_that_is_not_host_and_port_is_refused_by_name()
    {
        var file = Path.Combine(Path.GetTempPath(), $"floorpay-endpoints-{Guid.NewGuid():N}");
        File.WriteAllText(file, "10.77.0.11:5080\n10.77.0.12\n");
        try
        {
            Assert.Contains("10.77.0.12", Assert.Throws<FormatException>(() => EndpointsFile.Read(file)).Message);
            File.WriteAllText(file, "10.77.0.11:5080\n\n# comment\n10.77.0.12:5080\n");
            Assert.Equal(["10.77.0.11:5080", "10.77.0.12:5080"], EndpointsFile.Read(file).Select(a => a.EndPoint.ToString()));
        }
        finally
        {
            File.Delete(file);
        }
    }

    // The resolver re-reads the file every second: poll for the effect (bounded, so a broken resolver fails the test).
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the channel did not follow the endpoints file within 60 s");
            await Task.Delay(250);
        }
    }
}
