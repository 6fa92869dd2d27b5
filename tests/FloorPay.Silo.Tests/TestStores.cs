namespace FloorPay.Silo.Tests;

/// <summary>Fresh, migrated stores: a SQLite file in a temporary folder, or a new database on the test PostgreSQL.</summary>
public static class TestStores
{
    public static async Task<StorageSettings> FreshAsync(StorageProvider provider)
    {
        var settings = await EmptyAsync(provider);
        await new SchemaMigrator(settings).MigrateAsync();
        return settings;
    }

    /// <summary>A store with no schema at all.</summary>
    public static async Task<StorageSettings> EmptyAsync(StorageProvider provider) => provider == StorageProvider.Sqlite
        ? new StorageSettings { Provider = provider, DataDirectory = Path.Combine(Path.GetTempPath(), $"floorpay-silo-{Guid.NewGuid():N}") }
        : new StorageSettings { Provider = provider, ConnectionString = await NewPostgresDatabaseAsync() };

    public static string PostgresServer =>
        Environment.GetEnvironmentVariable("FLOORPAY_TEST_POSTGRES")
        ?? throw new InvalidOperationException("FLOORPAY_TEST_POSTGRES is not set: run the suite with ./scripts/test.sh, which starts a throwaway PostgreSQL");

    private static async Task<string> NewPostgresDatabaseAsync()
    {
        var name = $"fp_{Guid.NewGuid():N}";
        var server = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer);
        // Unpooled: a drill restarts the server, which leaves pooled connections dead.
        await using (var admin = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE {name};";
            await create.ExecuteNonQueryAsync();
        }
        server.Database = name;
        return server.ConnectionString;
    }
}
