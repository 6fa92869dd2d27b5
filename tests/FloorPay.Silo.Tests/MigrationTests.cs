using System.Data.Common;

namespace FloorPay.Silo.Tests;

public sealed class MigrationTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Migrating_again_applies_nothing_and_the_version_is_the_latest(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        var migrator = new SchemaMigrator(storage);
        Assert.Empty(await migrator.MigrateAsync());
        Assert.Equal(migrator.LatestVersion, await migrator.CurrentVersionAsync());
    }

    [Fact]
    public void Every_version_from_one_is_embedded_for_both_dialects_under_one_description()
    {
        Assert.Equal(Enumerable.Range(1, SchemaMigrations.All.Count), SchemaMigrations.All.Select(m => m.Version));
        Assert.All(SchemaMigrations.All, m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(m.Description));
            Assert.StartsWith($"-- {m.Version:D3}: {m.Description}", m.Sqlite);
            Assert.StartsWith($"-- {m.Version:D3}: {m.Description}", m.PostgreSql);
        });
        // The files are what the store runs: the latest versions (policy, the audit trail) are among them.
        Assert.Contains(SchemaMigrations.All, m => m.PostgreSql.Contains("CREATE TABLE floorpay_policy_versions", StringComparison.Ordinal));
        Assert.Contains(SchemaMigrations.All, m => m.PostgreSql.Contains("CREATE TABLE floorpay_audit_chain", StringComparison.Ordinal));
        Assert.Contains("CREATE TABLE floorpay_admin_acts", SchemaMigrations.All[^1].PostgreSql);
    }

    [Fact]
    public async Task Silos_migrating_the_same_new_database_at_once_apply_each_version_once()
    {
        var fresh = await TestStores.EmptyAsync(StorageProvider.PostgreSql);

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new SchemaMigrator(fresh).MigrateAsync()));

        var all = applied.SelectMany(a => a).ToList();
        Assert.Equal(SchemaMigrations.All.Select(m => m.Version).Order(), all.Order());
        Assert.Equal(SchemaMigrations.All[^1].Version, await new SchemaMigrator(fresh).CurrentVersionAsync());
    }

    [Fact]
    public void A_version_is_one_portable_file_or_one_file_per_dialect_never_a_mix_and_never_one_dialect_alone()
    {
        var migrations = SchemaMigrations.From(new(StringComparer.Ordinal)
        {
            ["001.sqlite.sql"] = "-- 001: first\nCREATE TABLE a (x INTEGER);",
            ["001.postgresql.sql"] = "-- 001: first\nCREATE TABLE a (x bigint);",
            ["002.sql"] = "-- 002: second\nCREATE TABLE b (x TEXT);",
        });
        Assert.Equal([1, 2], migrations.Select(m => m.Version));
        Assert.Contains("INTEGER", migrations[0].Sqlite);
        Assert.Contains("bigint", migrations[0].PostgreSql);
        Assert.Equal(migrations[1].Sqlite, migrations[1].PostgreSql);
        Assert.Equal("second", migrations[1].Description);

        Assert.Throws<InvalidOperationException>(() => SchemaMigrations.From(new(StringComparer.Ordinal)
            { ["001.sql"] = "-- 001: a\n", ["001.sqlite.sql"] = "-- 001: a\n" }));
        Assert.Throws<InvalidOperationException>(() => SchemaMigrations.From(new(StringComparer.Ordinal) { ["001.postgresql.sql"] = "-- 001: a\n" }));
        Assert.Throws<InvalidOperationException>(() => SchemaMigrations.From(new(StringComparer.Ordinal) { ["002.sql"] = "-- 002: gap\n" }));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_journal_table_without_its_append_only_triggers_gets_them_at_the_next_start(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        await ExecuteAsync(storage, "INSERT INTO floorpay_account_releases (release_id, citizen_id, from_bank_id, to_bank_id, released_at_ticks, " +
                                    "expires_at_ticks, idempotency_key, fingerprint) VALUES ('r-1', 'c-1', 'bank-a', 'bank-b', 1, 2, 'k', 'f')");
        await ExecuteAsync(storage, provider == StorageProvider.Sqlite
            ? "DROP TRIGGER floorpay_account_releases_no_update; DROP TRIGGER floorpay_account_releases_no_delete;"
            : "DROP TRIGGER floorpay_account_releases_append_only ON floorpay_account_releases");
        await ExecuteAsync(storage, "UPDATE floorpay_account_releases SET citizen_id = citizen_id"); // nothing refuses it now

        Assert.Empty(await new SchemaMigrator(storage).MigrateAsync());

        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteAsync(storage, "UPDATE floorpay_account_releases SET citizen_id = 'c-2'"));
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteAsync(storage, "DELETE FROM floorpay_account_releases"));
    }

    private static async Task ExecuteAsync(StorageSettings storage, string sql)
    {
        await using var connection = await storage.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
