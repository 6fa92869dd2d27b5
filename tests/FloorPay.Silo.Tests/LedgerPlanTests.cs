using FloorPay.Domain;
using FloorPay.Grains;
using Npgsql;
using static FloorPay.Silo.Tests.TestPayouts;

namespace FloorPay.Silo.Tests;

/// <summary>
/// The PostgreSQL ledger prepares its statements, and a prepared statement keeps the plan made when its tables were
/// empty (a fresh deployment when the surge starts). If that plan scanned whole tables, every batch would read the
/// grown table again: the ledger must keep looking rows up by key after its tables grow.
/// </summary>
public sealed class LedgerPlanTests
{
    private static readonly string[] Tables = ["floorpay_payouts", "floorpay_idempotency_keys", "floorpay_instructions"];

    [Fact]
    public async Task Statements_prepared_on_empty_tables_never_scan_the_tables_once_they_have_grown()
    {
        var storage = await TestStores.FreshAsync(StorageProvider.PostgreSql);
        var ledger = GroupCommitLedger.Create(storage, new LedgerOptions { Writers = 1 });
        Dictionary<string, (long Seq, long Idx)> before;
        const int Later = 30;
        try
        {
            // Enough batches on empty tables for the statements to be prepared and their plans cached.
            for (var i = 0; i < 30; i++) await PostUnitAsync(ledger, $"early-{i}");
            for (var i = 0; i < 30; i++) await ledger.ReadHistoryAsync($"early-{i}");
            await GrowAsync(storage.EffectiveConnectionString, 50_000);
            before = await ScansAsync(storage.EffectiveConnectionString);
            for (var i = 0; i < Later; i++) await PostUnitAsync(ledger, $"late-{i}");
            for (var i = 0; i < Later; i++) await ledger.ReadHistoryAsync($"late-{i}");
        }
        finally
        {
            // Closing the ledger's connections makes their backends report what they scanned.
            await ledger.DisposeAsync();
        }

        // The server publishes a closed backend's counters shortly after it exits: wait until the later batches show.
        var after = await ScansAsync(storage.EffectiveConnectionString);
        for (var wait = 0; wait < 600 && after["floorpay_idempotency_keys"].Idx < before["floorpay_idempotency_keys"].Idx + Later; wait++)
        {
            await Task.Delay(100);
            after = await ScansAsync(storage.EffectiveConnectionString);
        }
        Assert.True(after["floorpay_idempotency_keys"].Idx >= before["floorpay_idempotency_keys"].Idx + Later, "the later batches' look-ups were never reported");
        foreach (var table in Tables)
            Assert.True(after[table].Seq == before[table].Seq, $"{table} was read whole {after[table].Seq - before[table].Seq} times by statements planned while it was empty");
    }

    private static async Task PostUnitAsync(IPayoutLedger ledger, string citizen)
    {
        var payout = Payout(citizen, enrollment: true);
        var key = new IdempotencyKeyEntry("bank-a", $"plan-{citizen}", citizen, payout.PayoutId, payout.Fingerprint, payout.PaidAt);
        Assert.Equal(PostingResult.Committed, await ledger.AppendAsync([payout, key]));
    }

    /// <summary>Rows written behind the ledger's back, as a day of surge would have written them.</summary>
    private static async Task GrowAsync(string connectionString, int rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var grow = connection.CreateCommand();
        grow.CommandText = $"""
            INSERT INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
            SELECT 'bank-z', 'grown-' || n, 'grown-' || n, 'grown-' || n || ':Floor:2026-11', repeat('a', 64), n FROM generate_series(1, {rows}) n;
            """;
        await grow.ExecuteNonQueryAsync();
    }

    private static async Task<Dictionary<string, (long Seq, long Idx)>> ScansAsync(string connectionString)
    {
        // A new connection each time: a session caches the statistics snapshot it first read.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT relname, COALESCE(seq_scan, 0), COALESCE(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = ANY(@t)";
        read.Parameters.AddWithValue("t", Tables);
        await using var reader = await read.ExecuteReaderAsync();
        var scans = new Dictionary<string, (long, long)>();
        while (await reader.ReadAsync()) scans[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return scans;
    }
}
