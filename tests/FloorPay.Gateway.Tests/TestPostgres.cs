namespace FloorPay.Gateway.Tests;

/// <summary>Fresh databases on the test PostgreSQL server that ./scripts/test.sh starts.</summary>
public static class TestPostgres
{
    public static string Server =>
        Environment.GetEnvironmentVariable("FLOORPAY_TEST_POSTGRES")
        ?? throw new InvalidOperationException("FLOORPAY_TEST_POSTGRES is not set: run the suite with ./scripts/test.sh, which starts a throwaway PostgreSQL");

    public static async Task<string> NewDatabaseAsync()
    {
        var name = $"fp_{Guid.NewGuid():N}";
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(Server);
        await using (var admin = new Npgsql.NpgsqlConnection(builder.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE {name};";
            await create.ExecuteNonQueryAsync();
        }
        builder.Database = name;
        return builder.ConnectionString;
    }
}
