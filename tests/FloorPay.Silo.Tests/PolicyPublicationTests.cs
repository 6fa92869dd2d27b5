using FloorPay.Domain;

namespace FloorPay.Silo.Tests;

/// <summary>
/// The published policy book (migration 19) on both stores: stored once, the truth for every silo, never rewritten;
/// a new version only from a future period; a start that would break either rule is refused and writes nothing.
/// </summary>
public sealed class PolicyPublicationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly Period Current = Period.Containing(Now, PeriodLength.Monthly);

    private static FloorPolicy V1(long floor = 120_000) => DefaultPolicy.Version1() with { FloorAmount = floor };

    private static FloorPolicy V2(Period from, long floor = 150_000) => DefaultPolicy.Version1() with { Version = 2, EffectiveFrom = from.ToString(), FloorAmount = floor };

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_published_version_never_changes_and_a_start_that_would_rewrite_it_is_refused(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        await PolicyPublication.PublishAsync(storage, [V1()], Now);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => PolicyPublication.PublishAsync(storage, [V1(floor: 90_000)], Now));
        Assert.Contains("version 1 is already published with other content", e.Message);
        Assert.Contains("never changes", e.Message);
        Assert.Equal(120_000, Assert.Single(await PolicyPublication.ReadAsync(storage)).FloorAmount);

        // Not even by hand: the table is append-only.
        await using var connection = await storage.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE floorpay_policy_versions SET document = '{}'";
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
        command.CommandText = "DELETE FROM floorpay_policy_versions";
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_new_version_is_published_only_from_a_future_period_and_every_silo_then_holds_it(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        var running = await PolicyPublication.PublishAsync(storage, [V1()], Now); // a silo started before the change

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => PolicyPublication.PublishAsync(storage, [V1(), V2(Current)], Now));
        Assert.Contains("not a future period", e.Message);
        Assert.Single(await PolicyPublication.ReadAsync(storage));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            PolicyPublication.PublishAsync(storage, [V1(), V2(Current.Next) with { Version = 3 }], Now)); // not the next version

        var published = await PolicyPublication.PublishAsync(storage, [V1(), V2(Current.Next)], Now);
        Assert.Equal((1, 2), (published.For(Current).Version, published.For(Current.Next).Version));

        // A silo configured with the old book, or with none, starts on the stored one.
        foreach (var configured in new[] { new[] { V1() }, [] })
            Assert.Equal([1, 2], (await PolicyPublication.PublishAsync(storage, configured, Now)).Versions.Select(v => v.Version));
        // The silo that was already running adopts it (its refresh), before the period it governs.
        Assert.Equal(1, running.Adopt(await PolicyPublication.ReadAsync(storage)));
        Assert.Equal(150_000, running.For(Current.Next).FloorAmount);
        Assert.Equal(120_000, running.For(Current).FloorAmount);
    }

    [Fact]
    public void A_book_adopts_only_a_book_that_holds_each_of_its_versions_unchanged()
    {
        var book = new PolicyBook([V1()]);
        Assert.Throws<ArgumentException>(() => book.Adopt([V1(floor: 90_000), V2(Current.Next)]));
        Assert.Throws<ArgumentException>(() => book.Adopt([V1() with { ExemptionCategories = ["illness"] }]));
        Assert.Equal(120_000, Assert.Single(book.Versions).FloorAmount);
        Assert.Equal(0, book.Adopt([V1()]));
    }
}
