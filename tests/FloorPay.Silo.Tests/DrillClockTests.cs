using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Silo.Tests;

public sealed class DrillClockTests
{
    [Fact]
    public async Task A_moved_clock_is_refused_outside_Development()
    {
        var data = Path.Combine(Path.GetTempPath(), $"floorpay-drill-{Guid.NewGuid():N}");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            FloorPayHost.BuildAsync(["--environment=Production", "--FloorPay:Clock:Offset=32.00:00:00", $"--FloorPay:Storage:DataDirectory={data}"]));
        Assert.Contains("FloorPay:Clock:Offset", e.Message);
    }

    [Fact]
    public async Task In_Development_the_node_lives_in_the_moved_time()
    {
        var data = Path.Combine(Path.GetTempPath(), $"floorpay-drill-{Guid.NewGuid():N}");
        await using var app = await FloorPayHost.BuildAsync(["--environment=Development", "--FloorPay:Clock:Offset=40.00:00:00", $"--FloorPay:Storage:DataDirectory={data}",
            "--FloorPay:Listen:GrpcPort=0", "--FloorPay:Listen:HttpPort=0", "--FloorPay:Orleans:SiloPort=0", "--FloorPay:Orleans:GatewayPort=0"]);
        var clock = app.Services.GetRequiredService<FloorPay.Domain.PeriodClock>();
        Assert.InRange(clock.Now - DateTimeOffset.UtcNow, TimeSpan.FromDays(40) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(40) + TimeSpan.FromMinutes(1));
        Assert.NotEqual(FloorPay.Domain.Period.Containing(DateTimeOffset.UtcNow, clock.Length), clock.Current);
    }
}
