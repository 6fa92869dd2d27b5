using FloorPay.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// A server whose calendar the tests can move forward: to reach periods after a citizen's enrollment, or to let time pass
/// between an enrollment and a dividend declaration without sleeping. Shared by the <see cref="TimeTravelCollection"/>.
/// </summary>
public sealed class TimeTravelServerFixture : IAsyncLifetime
{
    private FloorPayServer? _server;

    public ShiftableTimeProvider Time { get; } = new();

    public FloorPayServer Server => _server ?? throw new InvalidOperationException("the server has not started");

    // FloorPay's own clock (keyed, as a drill clock is): Orleans' membership keeps the real one, since a silo whose
    // membership clock jumps a month sees itself as an old generation and kills the test process.
    // These tests move the calendar and request later periods themselves: no payday run may race them.
    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b =>
        {
            b.Services.AddKeyedSingleton<TimeProvider>(FloorPayTime.Key, Time);
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FloorPay:Payday:Enabled"] = "false" });
        });

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>Test classes that move the calendar of their shared server (forward only; they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class TimeTravelCollection : ICollectionFixture<TimeTravelServerFixture>
{
    public const string Name = "time-travel FloorPay server";
}
