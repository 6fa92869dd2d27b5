using FloorPay.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// A server for the payment-rail tests: its own instruction sequences, a movable calendar, a one-hour cooling-off for
/// account changes, a fraud threshold of three citizens and a fast re-issue sweep.
/// </summary>
public sealed class RailServerFixture : IAsyncLifetime
{
    public static readonly TimeSpan CoolingOff = TimeSpan.FromHours(1);
    public const int FraudThreshold = 3;

    private FloorPayServer? _server;

    public ShiftableTimeProvider Time { get; } = new();

    public FloorPayServer Server => _server ?? throw new InvalidOperationException("the server has not started");

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b =>
        {
            b.Services.AddKeyedSingleton<TimeProvider>(FloorPayTime.Key, Time);
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["FloorPay:Accounts:CoolingOff"] = CoolingOff.ToString(),
                ["FloorPay:Accounts:FraudFlagThreshold"] = FraudThreshold.ToString(),
                ["FloorPay:Accounts:ReissueSweepInterval"] = "00:00:00.200",
                // These tests move the calendar and pay the next period themselves: no payday run may race them.
                ["FloorPay:Payday:Enabled"] = "false",
            });
        });

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RailServerCollection : ICollectionFixture<RailServerFixture>
{
    public const string Name = "payment-rail FloorPay server";
}
