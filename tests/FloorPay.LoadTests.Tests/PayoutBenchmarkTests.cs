using FloorPay.LoadTests.Scenarios;
using Grpc.Net.Client;

namespace FloorPay.LoadTests.Tests;

/// <summary>The payout benchmark of docs/benchmarks.md runs on the load runner against a real node and reports one row per run.</summary>
[Collection("runner")]
public sealed class PayoutBenchmarkTests
{
    [Fact]
    public async Task The_payout_benchmark_drives_a_node_through_the_runner_in_both_models()
    {
        await using var node = await LocalNode.StartAsync([]);
        using var channel = GrpcChannel.ForAddress(node.Address);
        var bench = new PayoutBenchmark(channel, "dev-bank-a", "bank-a");

        var open = Cells(await bench.OpenAsync("fixed rate", 20, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), maxInFlight: 100));
        var closed = Cells(await bench.ClosedAsync("capacity", 4, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));

        Assert.Equal(("fixed rate", "open, 20/s"), (open[0], open[1]));
        // 20 arrivals a second for the 2 measured seconds: each one answered, refused or counted as dropped, none lost.
        Assert.InRange(long.Parse(open[2]) + long.Parse(open[3]) + long.Parse(open[4]), 38, 42);
        Assert.True(long.Parse(open[2]) > 0, string.Join(" | ", open));
        Assert.Equal(("capacity", "closed, 4 clients"), (closed[0], closed[1]));
        Assert.True(long.Parse(closed[2]) > 0, string.Join(" | ", closed));
        Assert.True(double.Parse(closed[5], System.Globalization.CultureInfo.InvariantCulture) > 0, string.Join(" | ", closed));
    }

    private static string[] Cells(string row) => row.Trim('|', ' ').Split('|').Select(c => c.Trim()).ToArray();
}
