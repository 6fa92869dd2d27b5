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
        // The files are what the store runs: the latest versions (fraud flags, envelopes, policy) are among them.
        Assert.Contains("CREATE TABLE floorpay_policy_versions", SchemaMigrations.All[^1].PostgreSql);
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
}
