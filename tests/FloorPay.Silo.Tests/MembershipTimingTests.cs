using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FloorPay.Silo.Tests;

/// <summary>The failure-detection keys reach Orleans' membership options: they bound how long a lost or partitioned
/// silo's grains stay unreachable (scripts/podnet.sh pod-kill and partition).</summary>
public sealed class MembershipTimingTests
{
    [Fact]
    public async Task Configured_probe_timeouts_reach_Orleans_membership()
    {
        await using var app = await BuildClusterSiloAsync(
            "--FloorPay:Orleans:ProbeTimeout=00:00:02", "--FloorPay:Orleans:MaxProbeTimeout=00:00:03", "--FloorPay:Orleans:MissedProbesLimit=2");
        var options = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), options.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.MaxProbeTimeout);
        Assert.Equal(2, options.NumMissedProbesLimit);
    }

    [Fact]
    public async Task Without_them_Orleans_keeps_its_defaults()
    {
        await using var app = await BuildClusterSiloAsync();
        var options = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(5), options.ProbeTimeout);
        Assert.Equal(4 * options.ProbeTimeout, options.MaxProbeTimeout);
        Assert.Equal(3, options.NumMissedProbesLimit);
    }

    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> BuildClusterSiloAsync(params string[] extra)
    {
        var storage = await TestStores.FreshAsync(StorageProvider.PostgreSql);
        return await FloorPayHost.BuildAsync([
            "--environment=Development", "--FloorPay:Storage:Provider=PostgreSql", $"--FloorPay:Storage:ConnectionString={storage.ConnectionString}",
            "--FloorPay:Storage:MigrateOnStart=false", "--FloorPay:Listen:GrpcPort=0", "--FloorPay:Listen:HttpPort=0",
            "--FloorPay:Orleans:SiloPort=0", "--FloorPay:Orleans:GatewayPort=0", .. extra]);
    }
}
