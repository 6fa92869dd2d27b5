using FloorPay.Grains;
using FloorPay.Silo.Storage;
using static FloorPay.Silo.Tests.TestPayouts;

namespace FloorPay.Silo.Tests;

/// <summary>
/// Two silos writing the same notice at once (duplicate activations of one citizen) on PostgreSQL: the second insert
/// breaks the instruction's unique key outright. That must cost only the notice's own caller a conflict, never the
/// unrelated payouts that happened to share its batch.
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
                        payouts.Add(ledgers[l].PostAsync(Payout($"other-{l}-{i}", bank: i % 2 == 0 ? "bank-a" : "bank-b")));
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
}
