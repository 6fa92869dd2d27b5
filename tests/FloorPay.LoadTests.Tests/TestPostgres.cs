using Npgsql;

namespace FloorPay.LoadTests.Tests;

/// <summary>A new, empty database on the test PostgreSQL (started by ./scripts/test.sh), so a run's ledger is its own.</summary>
public static class TestPostgres
{
    public static async Task<string> NewDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable("FLOORPAY_TEST_POSTGRES")
                     ?? throw new InvalidOperationException("FLOORPAY_TEST_POSTGRES is not set: run the suite with ./scripts/test.sh, which starts a throwaway PostgreSQL");
        var name = $"fp_lt_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE {name};";
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
