using FloorPay.Grains;
using FloorPay.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace FloorPay.Grains.Tests;

/// <summary>
/// A two-silo in-process Orleans cluster whose grain state lives in a real store (a SQLite file or the test
/// PostgreSQL server), with a shared fake clock so tests can move between periods.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);

    public static PolicyBook Policies { get; } = new([
        DefaultPolicy.Version1() with { FirstPayout = FirstPayoutRule.ProRated },
        DefaultPolicy.Version1() with { Version = 2, EffectiveFrom = "2027-01", FloorAmount = 130_000, FirstPayout = FirstPayoutRule.ProRated },
    ]);

    private GrainCluster(InProcessTestCluster cluster, FakeTimeProvider time, StorageSettings storage)
    {
        Cluster = cluster;
        Time = time;
        Storage = storage;
    }

    public InProcessTestCluster Cluster { get; }

    public FakeTimeProvider Time { get; }

    public StorageSettings Storage { get; }

    public IGrainFactory Grains => Cluster.Client;

    public string ServiceId => Cluster.Options.ServiceId;

    /// <param name="serviceId">Reuse one to see the state of an earlier cluster on the same store.</param>
    public static async Task<GrainCluster> StartAsync(StorageSettings storage, int silos = 2, string? serviceId = null)
    {
        await new SchemaMigrator(storage).MigrateAsync();
        var time = new FakeTimeProvider(Start);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ServiceId = serviceId ?? $"grain-tests-{Guid.NewGuid():N}";
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton<TimeProvider>(time);
            // These tests move the clock across periods to test what citizens answer; a payday run started by the
            // jump would race them. Payday runs have their own tests (gateway and silo).
            host.Services.AddSingleton(new PaydayOptions { Enabled = false });
            host.Services.AddFloorPayGrainServices(Policies);
            host.Services.AddFloorPayLedger(storage);
        });
        builder.ConfigureSilo((_, silo) => silo.AddFloorPayStorage(storage));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new GrainCluster(cluster, time, storage);
    }

    public static StorageSettings Sqlite() => new()
    {
        Provider = StorageProvider.Sqlite,
        DataDirectory = Path.Combine(Path.GetTempPath(), $"floorpay-grains-{Guid.NewGuid():N}"),
    };

    /// <summary>A fresh database on the test server: clusters whose fake clocks differ must not share a ledger (a dividend
    /// sealed in one would refuse the other's enrollments stamped before its cutoff).</summary>
    public static StorageSettings Postgres()
    {
        var server = Environment.GetEnvironmentVariable("FLOORPAY_TEST_POSTGRES")
            ?? throw new InvalidOperationException(
                "FLOORPAY_TEST_POSTGRES is not set: run the suite with ./scripts/test.sh, which starts a throwaway PostgreSQL");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(server);
        var name = $"fp_grains_{Guid.NewGuid():N}";
        using (var admin = new Npgsql.NpgsqlConnection(builder.ConnectionString))
        {
            admin.Open();
            using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE {name};";
            create.ExecuteNonQuery();
        }
        builder.Database = name;
        return new StorageSettings { Provider = StorageProvider.PostgreSql, ConnectionString = builder.ConnectionString };
    }

    /// <summary>Delivers every silo's pending aggregate deltas to regions and funds.</summary>
    public async Task FlushAggregatesAsync()
    {
        foreach (var silo in Cluster.Silos)
            Assert.True(await silo.ServiceProvider.GetRequiredService<IPendingAggregates>().FlushAsync());
    }

    /// <summary>Makes every silo's dividend cache read the fund now.</summary>
    public async Task RefreshDividendsAsync()
    {
        foreach (var silo in Cluster.Silos)
            await silo.ServiceProvider.GetRequiredService<DividendIndexCache>().RefreshAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        if (Storage.Provider == StorageProvider.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Storage.DataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
