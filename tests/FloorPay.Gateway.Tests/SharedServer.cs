namespace FloorPay.Gateway.Tests;

/// <summary>One server shared by every test class of the <see cref="SharedServerCollection"/> (they run one after another).</summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    private FloorPayServer? _server;

    public FloorPayServer Server => _server ?? throw new InvalidOperationException("the shared server has not started");

    public async Task InitializeAsync() => _server = await FloorPayServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>Test classes that share one FloorPay server. Each test uses its own fresh citizen ids and idempotency keys.</summary>
[CollectionDefinition(Name)]
public sealed class SharedServerCollection : ICollectionFixture<SharedServerFixture>
{
    public const string Name = "shared FloorPay server";
}
