using FloorPay.Domain;
using FloorPay.Grains;
using static FloorPay.Silo.Tests.TestPayouts;

namespace FloorPay.Silo.Tests;

/// <summary>
/// Outstanding instructions per bank come from counters that triggers keep as instructions and outcomes commit
/// (migration 11): they equal a scan of the outbox, including for instructions written before the counters existed.
/// </summary>
public sealed class InstructionCountTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 12, 9, 30, 0, TimeSpan.Zero);

    private static InstructionOutcomeEntry Outcome(PayoutPosting p, InstructionOutcome outcome) =>
        new(new InstructionOutcomeRecord(p.PayoutId, p.BankId, p.CitizenId, outcome, "test", p.Amount, At));

    private static InstructionEntry Notice(string citizen, string bank) =>
        new($"{citizen}:notice:1", bank, InstructionKind.Notice, null, citizen, "old-tok", 0, "EUR", "2026-11", "ACCOUNT_CHANGED", null, At);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task An_upgraded_store_counts_what_its_banks_already_had_outstanding_and_every_change_after(StorageProvider provider)
    {
        var storage = await TestStores.EmptyAsync(provider);
        var migrator = new SchemaMigrator(storage);
        await migrator.MigrateAsync(upToVersion: 10);
        var a = Enumerable.Range(0, 4).Select(i => Payout($"a-{i}", bank: "bank-a", amount: 100 + i)).ToList();
        var b = Enumerable.Range(0, 2).Select(i => Payout($"b-{i}", bank: "bank-b", amount: 1_000)).ToList();
        await using (var ledger = GroupCommitLedger.Create(storage, new LedgerOptions()))
        {
            foreach (var p in a.Concat(b)) Assert.Equal(PostingResult.Committed, await ledger.AppendAsync([p]));
            await ledger.AppendAsync([Outcome(a[0], InstructionOutcome.Settled)]);
            await ledger.AppendAsync([Outcome(a[1], InstructionOutcome.Returned)]);
            await ledger.AppendAsync([Notice("a-2", "bank-a")]); // no money: never outstanding
        }

        Assert.Contains(11, await migrator.MigrateAsync());

        await using (var ledger = GroupCommitLedger.Create(storage, new LedgerOptions()))
        {
            var outbox = new SqlInstructionOutbox(storage, ledger);
            var outstanding = await outbox.OutstandingByBankAsync();
            Assert.Equal(new Tally(2, 102 + 103), outstanding["bank-a"]);
            Assert.Equal(new Tally(2, 2_000), outstanding["bank-b"]);

            var later = Payout("a-9", bank: "bank-a", amount: 50);
            Assert.Equal(PostingResult.Committed, await ledger.AppendAsync([later]));
            await ledger.AppendAsync([Outcome(b[0], InstructionOutcome.Settled)]);
            await ledger.AppendAsync([Outcome(b[1], InstructionOutcome.Settled)]);
            await ledger.AppendAsync([Outcome(b[1], InstructionOutcome.Returned)]); // one outcome per instruction: refused, not counted
            await ledger.AppendAsync([Notice("a-3", "bank-a")]);

            outstanding = await outbox.OutstandingByBankAsync();
            Assert.Equal(new Tally(3, 102 + 103 + 50), outstanding["bank-a"]);
            Assert.Equal(new Tally(0, 0), outstanding["bank-b"]);
        }
        Assert.Equal(0, (await new SqlLedgerAudit(storage).ReadTotalsAsync()).BanksWithOutstandingMismatch);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Counters_equal_a_scan_of_the_outbox_after_concurrent_commits_and_settlements_for_one_bank(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        var ledgers = Enumerable.Range(0, 3).Select(_ => GroupCommitLedger.Create(storage, new LedgerOptions { Writers = 3, MaxBatch = 32 })).ToList();
        try
        {
            var postings = Enumerable.Range(0, 900).Select(i => Payout($"c-{i}", bank: i % 5 == 0 ? "bank-b" : "bank-a", amount: 1_000 + i)).ToList();
            // Payouts and settlements of earlier payouts interleave, in batches of several writers on several ledgers.
            var work = postings.Select(async (p, i) =>
            {
                Assert.Equal(PostingResult.Committed, await ledgers[i % 3].AppendAsync([p]));
                if (i % 3 == 0) await ledgers[(i + 1) % 3].AppendAsync([Outcome(p, InstructionOutcome.Settled)]);
            });
            await Task.WhenAll(work);

            var expected = postings.Where((_, i) => i % 3 != 0).GroupBy(p => p.BankId)
                .ToDictionary(g => g.Key, g => new Tally(g.Count(), g.Sum(p => p.Amount)));
            var outstanding = await new SqlInstructionOutbox(storage, ledgers[0]).OutstandingByBankAsync();
            Assert.Equal(expected["bank-a"], outstanding["bank-a"]);
            Assert.Equal(expected["bank-b"], outstanding["bank-b"]);
        }
        finally
        {
            foreach (var l in ledgers) await l.DisposeAsync();
        }
        Assert.Equal(0, (await new SqlLedgerAudit(storage).ReadTotalsAsync()).BanksWithOutstandingMismatch);
    }
}
