using FloorPay.Grains;
using static FloorPay.Silo.Tests.TestPayouts;

namespace FloorPay.Silo.Tests;

/// <summary>
/// The shared-account fraud flag (migration 17): raised by the database in the transaction of whichever record puts an
/// account's Nth distinct citizen on it, whoever wrote it, exactly once however many silos write at once.
/// </summary>
public sealed class SharedAccountFlagTests
{
    private const int Threshold = 5; // the stored default

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Enrollments_on_one_account_committed_at_once_by_several_silos_raise_one_flag_at_the_threshold(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        // Three ledgers with several writers each, as on three silos: the enrollments race in separate transactions.
        var ledgers = Enumerable.Range(0, 3).Select(_ => GroupCommitLedger.Create(storage, new LedgerOptions { Writers = 3, MaxBatch = 4 })).ToList();
        var postings = Enumerable.Range(0, 24).Select(i => Payout($"sharer-{i}", enrollment: true) with { AccountToken = "tok-shared" }).ToList();
        try
        {
            var results = await Task.WhenAll(postings.Select((p, i) => PostRetryingAsync(ledgers[i % ledgers.Count], p)));
            Assert.All(results, r => Assert.Equal(PostingResult.Committed, r.Result));
        }
        finally
        {
            foreach (var l in ledgers) await l.DisposeAsync();
        }

        var flag = await new SqlFraudFlags(storage).FindAsync("bank-a", "tok-shared");
        Assert.NotNull(flag);
        Assert.Equal(Threshold, flag.CitizenCount);
        Assert.Contains(flag.RaisedByChange, postings.Select(p => p.PayoutId));
        Assert.Equal(24, await HoldersAsync(storage, "bank-a", "tok-shared"));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task An_upgraded_store_flags_accounts_already_shared_and_counts_every_holder_after(StorageProvider provider)
    {
        var storage = await TestStores.EmptyAsync(provider);
        var migrator = new SchemaMigrator(storage);
        await migrator.MigrateAsync(upToVersion: 16);
        // Before schema 17 only account changes raised a flag: these six enrollments raised none.
        await using (var old = GroupCommitLedger.Create(storage, new LedgerOptions()))
            foreach (var i in Enumerable.Range(0, 6))
                Assert.Equal(PostingResult.Committed, (await PostRetryingAsync(old, Payout($"before-{i}", enrollment: true) with { AccountToken = "tok-old" })).Result);

        Assert.Contains(17, await migrator.MigrateAsync());

        await using var ledger = GroupCommitLedger.Create(storage, new LedgerOptions());
        var flags = new SqlFraudFlags(storage);
        Assert.Equal((6, "schema-upgrade-17"), (await flags.FindAsync("bank-a", "tok-old")) is { } f ? (f.CitizenCount, f.RaisedByChange) : default);
        Assert.Equal(PostingResult.Committed, (await PostRetryingAsync(ledger, Payout("after", enrollment: true) with { AccountToken = "tok-old" })).Result);
        Assert.Equal(7, await HoldersAsync(storage, "bank-a", "tok-old"));
        Assert.Equal("schema-upgrade-17", (await flags.FindAsync("bank-a", "tok-old"))?.RaisedByChange);
    }

    private static async Task<long> HoldersAsync(StorageSettings storage, string bankId, string token)
    {
        await using var connection = await storage.OpenAsync();
        await using var command = connection.CreateCommand();
        // Test-chosen literals only.
        command.CommandText = $"SELECT citizens FROM floorpay_account_holdings WHERE bank_id = '{bankId}' AND account_token = '{token}'";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
