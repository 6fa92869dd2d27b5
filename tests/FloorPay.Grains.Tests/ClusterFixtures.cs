using FloorPay.Silo.Storage;

namespace FloorPay.Grains.Tests;

public abstract class ClusterFixture : IAsyncLifetime
{
    private GrainCluster? _cluster;

    public GrainCluster Cluster => _cluster ?? throw new InvalidOperationException("cluster not started");

    protected abstract StorageSettings Storage();

    public async Task InitializeAsync() => _cluster = await GrainCluster.StartAsync(Storage());

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

public sealed class SqliteCluster : ClusterFixture
{
    protected override StorageSettings Storage() => GrainCluster.Sqlite();
}

public sealed class PostgresCluster : ClusterFixture
{
    protected override StorageSettings Storage() => GrainCluster.Postgres();
}
