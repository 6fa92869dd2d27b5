using FloorPay.Domain;
using FloorPay.Grains;
using static FloorPay.Silo.Tests.TestPayouts;

namespace FloorPay.Silo.Tests;

/// <summary>
/// Two silos writing the same rows at once on PostgreSQL. The same notice (duplicate activations of one citizen) breaks
/// the instruction's unique key outright: that must cost only the notice's own caller a conflict, never the unrelated
/// payouts that happened to share its batch. The same payouts in opposite orders must never deadlock.
/// </summary>
public sealed class DuplicateInstructionTests
{
    [Fact]
    public async Task A_notice_written_twice_at_once_fails_only_itself_not_the_payouts_batched_with_it()
    {
        var storage = await TestStores.FreshAsync(StorageProvider.PostgreSql);
        var ledgers = Enumerable.Range(0, 2).Select(_ => GroupCommitLedger.Create(storage, new LedgerOptions { Writers = 1 })).ToList();
        var notice = new InstructionEntry("dup:account:1:notice", "bank-a", InstructionKind.Notice, null, "dup", "old-tok", 0, "EUR", "2026-11",
            "ACCOUNT_CHANGE_NOTICE@policy-v1", null, DateTimeOffset.UtcNow);
        try
        {
            List<Task<PostingResult>> payouts = [];
            List<Task<PostingResult>> notices = [];
            // Hold the banks' sequence rows so that both ledgers' batches are in flight together, each with the notice.
            await using (var held = new Npgsql.NpgsqlConnection(storage.EffectiveConnectionString))
            {
                await held.OpenAsync();
                await using var tx = await held.BeginTransactionAsync();
                await using (var lockRows = new Npgsql.NpgsqlCommand("LOCK TABLE floorpay_bank_sequences IN EXCLUSIVE MODE", held, tx))
                    await lockRows.ExecuteNonQueryAsync();
                for (var l = 0; l < ledgers.Count; l++)
                {
                    for (var i = 0; i < 20; i++)
                    {
                        payouts.Add(ledgers[l].AppendAsync([Payout($"other-{l}-{i}", bank: i % 2 == 0 ? "bank-a" : "bank-b")]));
                        if (i == 10) notices.Add(ledgers[l].AppendAsync([notice]));
                    }
                }
                await Task.Delay(500);
                await tx.RollbackAsync();
            }

            Assert.All(await Task.WhenAll(payouts), r => Assert.Equal(PostingResult.Committed, r));
            var written = await Task.WhenAll(notices);
            Assert.Single(written, r => r == PostingResult.Committed);
        }
        finally
        {
            foreach (var l in ledgers) await l.DisposeAsync();
        }
        var totals = await new SqlLedgerAudit(storage).ReadTotalsAsync();
        Assert.Equal(0, totals.BanksWithSequenceGaps);
        Assert.Equal(0, totals.PayoutsWithoutInstruction);
    }

    [Fact]
    public async Task One_key_used_for_two_citizens_at_once_on_two_silos_pays_one_and_no_payout_commits_without_its_key()
    {
        var storage = await TestStores.FreshAsync(StorageProvider.PostgreSql);
        var ledgers = Enumerable.Range(0, 2).Select(_ => GroupCommitLedger.Create(storage, new LedgerOptions { Writers = 1 })).ToList();
        try
        {
            for (var round = 0; round < 5; round++)
            {
                var units = Enumerable.Range(0, 2).Select(l =>
                {
                    var payout = Payout($"k{round}-citizen-{l}", enrollment: true);
                    return (JournalEntry[])[payout, new IdempotencyKeyEntry("bank-a", $"same-{round}", payout.CitizenId, payout.PayoutId, payout.Fingerprint, payout.PaidAt)];
                }).ToList();
                List<Task<PostingResult>> results;
                // Both batches pass the "key not taken" check before either commits.
                await using (var held = new Npgsql.NpgsqlConnection(storage.EffectiveConnectionString))
                {
                    await held.OpenAsync();
                    await using var tx = await held.BeginTransactionAsync();
                    await using (var lockRows = new Npgsql.NpgsqlCommand("LOCK TABLE floorpay_bank_sequences IN EXCLUSIVE MODE", held, tx))
                        await lockRows.ExecuteNonQueryAsync();
                    results = units.Select((u, l) => ledgers[l].AppendAsync(u)).ToList();
                    await Task.Delay(300);
                    await tx.RollbackAsync();
                }
                var answered = await Task.WhenAll(results);
                Assert.Single(answered, r => r == PostingResult.Committed);
            }
        }
        finally
        {
            foreach (var l in ledgers) await l.DisposeAsync();
        }
        await using var connection = new Npgsql.NpgsqlConnection(storage.EffectiveConnectionString);
        await connection.OpenAsync();
        await using var orphans = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM floorpay_payouts p WHERE NOT EXISTS (SELECT 1 FROM floorpay_idempotency_keys k WHERE k.entry_id = p.payout_id)", connection);
        Assert.Equal(0L, (long)(await orphans.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Batches_holding_the_same_payouts_in_opposite_orders_wait_for_each_other_and_never_deadlock()
    {
        // As a payday page and a bank's envelope for the same citizens would: each ledger gets them in its own order.
        var storage = await TestStores.FreshAsync(StorageProvider.PostgreSql);
        var ledgers = Enumerable.Range(0, 2).Select(_ => GroupCommitLedger.Create(storage, new LedgerOptions { Writers = 1 })).ToList();
        try
        {
            for (var round = 0; round < 5; round++)
            {
                var postings = Enumerable.Range(0, 300).Select(i => Payout($"r{round}-c{i:D3}", bank: i % 2 == 0 ? "bank-a" : "bank-b")).ToList();
                var forward = postings.Select(p => ledgers[0].AppendAsync([p])).ToList();
                var backward = Enumerable.Reverse(postings).Select(p => ledgers[1].AppendAsync([p])).ToList();
                var results = await Task.WhenAll(forward.Concat(backward));
                // Every payout is written once: one ledger commits it, the other is told it conflicts; no batch fails.
                Assert.Equal(300, results.Count(r => r == PostingResult.Committed));
            }
        }
        finally
        {
            foreach (var l in ledgers) await l.DisposeAsync();
        }
    }
}
