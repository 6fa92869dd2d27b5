using FloorPay.Domain;
using FloorPay.Grains;
using System.Data.Common;

namespace FloorPay.Silo.Tests;

/// <summary>The payout ledger's guarantees, run against each store by the derived classes.</summary>
public abstract class LedgerContract(StorageProvider provider) : IAsyncLifetime
{
    private StorageSettings _storage = null!;
    private GroupCommitLedger _ledger = null!;

    public async Task InitializeAsync()
    {
        _storage = await TestStores.FreshAsync(provider);
        _ledger = GroupCommitLedger.Create(_storage, new LedgerOptions());
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    private static PayoutPosting Floor(string citizen, string period = "2026-11", string? key = null, bool enrollment = false, long amount = 120_000) =>
        new($"{citizen}:floor:{period}", citizen, PayoutKind.Floor, period, period, amount, "EUR", "FLOOR_PERIOD@policy-v1",
            "R-NORTH", "bank-a", "tok", key ?? $"key-{period}", new string('a', 64), enrollment, Now());

    // Stamped now (to the microsecond-exact tick the store keeps): older enrollments are refused as stale.
    private static DateTimeOffset Now() => new(DateTimeOffset.UtcNow.UtcTicks, TimeSpan.Zero);

    [Fact]
    public async Task Concurrent_payouts_each_get_one_instruction_numbered_per_bank_in_commit_order_without_gaps()
    {
        // Several ledgers (as on several silos, each with its own writers) post for three banks at once.
        var ledgers = Enumerable.Range(0, 3).Select(_ => GroupCommitLedger.Create(_storage, new LedgerOptions { Writers = 2, MaxBatch = 64 })).ToList();
        var committed = new List<PayoutPosting>();
        try
        {
            var postings = Enumerable.Range(0, 900).Select(i => Floor($"seq-{i}", enrollment: true) with { BankId = $"bank-{i % 3}" }).ToList();
            var results = await Task.WhenAll(postings.Select((p, i) => TestPayouts.PostRetryingAsync(ledgers[i % ledgers.Count], p)));
            Assert.All(results, r => Assert.Equal(PostingResult.Committed, r.Result));
            committed.AddRange(results.Select(r => r.Posted));
            // A second instruction for a payout cannot be made by re-posting it.
            Assert.Equal(PostingResult.Conflict, (await TestPayouts.PostRetryingAsync(ledgers[0], committed[0] with { PaidAt = Now() })).Result);
        }
        finally
        {
            foreach (var l in ledgers) await l.DisposeAsync();
        }

        var outbox = new SqlInstructionOutbox(_storage, _ledger);
        for (var bank = 0; bank < 3; bank++)
        {
            var listed = await outbox.ListAsync($"bank-{bank}", 0, 10_000);
            Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), listed.Select(i => i.Sequence));
            Assert.Equal(committed.Where(p => p.BankId == $"bank-{bank}").Select(p => p.PayoutId).Order(), listed.Select(i => i.InstructionId).Order());
            Assert.All(listed, i => Assert.Equal(committed.Single(p => p.PayoutId == i.InstructionId).Amount, i.Amount));
        }
        // Paging from a cursor gives the rest exactly.
        var tail = await outbox.ListAsync("bank-1", 250, 100);
        Assert.Equal(Enumerable.Range(251, 50).Select(i => (long)i), tail.Select(i => i.Sequence));
    }

    [Fact]
    public async Task Entries_of_different_kinds_never_share_an_id_in_a_batch_whatever_the_citizens_are_called()
    {
        // A citizen may be called "resolution:c-1": its first appeal's id is then what a resolution of c-1's first appeal
        // was once identified by in a batch. Both must commit, and each caller must get its own answer.
        var now = new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks, TimeSpan.Zero);
        var appeal = new AppealEntry("c-1:appeal:1", "c-1", "c-1:floor:2026-11", "amount-wrong", null, "bank-a", now, "k-1", "f");
        Assert.Equal(PostingResult.Committed, await _ledger.AppendAsync([appeal]));

        var twin = new AppealEntry("resolution:c-1:appeal:1", "resolution:c-1", "x", "other", null, "bank-a", now, "k-2", "f");
        var resolution = new AppealResolutionEntry("c-1:appeal:1", "c-1", AppealOutcome.Rejected, "no", 0, "reviewer", now, "APPEAL_REJECTED@policy-v1", "k-3", "f");
        var results = await Task.WhenAll(_ledger.AppendAsync([twin]), _ledger.AppendAsync([resolution]));

        Assert.Equal([PostingResult.Committed, PostingResult.Committed], results);
        Assert.Single((await _ledger.ReadHistoryAsync("resolution:c-1")).Of<AppealEntry>());
        Assert.Single((await _ledger.ReadHistoryAsync("c-1")).Of<AppealResolutionEntry>());
    }

    [Fact]
    public async Task A_posting_commits_once_and_reads_back_exactly()
    {
        var posting = Floor("c1", enrollment: true);
        Assert.Equal(PostingResult.Committed, await _ledger.AppendAsync([posting]));
        Assert.Equal(PostingResult.Conflict, await _ledger.AppendAsync([posting]));
        Assert.Equal(posting, Assert.Single((await _ledger.ReadHistoryAsync("c1")).Of<PayoutPosting>()));
    }

    [Fact]
    public async Task The_unique_keys_refuse_a_second_payout_for_a_period_a_second_enrollment_and_a_reused_key()
    {
        Assert.Equal(PostingResult.Committed, await _ledger.AppendAsync([Floor("c2", "2026-11", enrollment: true)]));
        // Same citizen, kind and slot under another id (what a stale duplicate activation would try).
        Assert.Equal(PostingResult.Conflict, await _ledger.AppendAsync([Floor("c2", "2026-11", key: "other") with { PayoutId = "c2:floor:copy" }]));
        Assert.Equal(PostingResult.Conflict, await _ledger.AppendAsync([Floor("c2", "2026-12", enrollment: true)]));
        Assert.Equal(PostingResult.Conflict, await _ledger.AppendAsync([Floor("c2", "2027-01", key: "key-2026-11")]));
        Assert.Equal(PostingResult.Committed, await _ledger.AppendAsync([Floor("c2", "2026-12")]));
        Assert.Equal(2, (await _ledger.ReadHistoryAsync("c2")).Of<PayoutPosting>().Count);
    }

    [Fact]
    public async Task Concurrent_postings_share_commits_and_each_gets_its_own_answer()
    {
        var (batchesBefore, postingsBefore) = _ledger.Counters;
        var citizens = Enumerable.Range(0, 400).Select(i => $"gc-{i}").ToList();
        var first = await Task.WhenAll(citizens.Select(c => _ledger.AppendAsync([Floor(c, enrollment: true)])));
        var again = await Task.WhenAll(citizens.Take(50).Select(c => _ledger.AppendAsync([Floor(c, key: "dup") with { PayoutId = $"{c}:dup" }])));

        Assert.All(first, r => Assert.Equal(PostingResult.Committed, r));
        Assert.All(again, r => Assert.Equal(PostingResult.Conflict, r));
        var (batches, postings) = _ledger.Counters;
        Assert.Equal(450, postings - postingsBefore);
        Assert.True(batches - batchesBefore < 450, $"{batches - batchesBefore} commits for 450 postings: no group commit happened");
    }

    [Fact]
    public async Task A_failed_batch_fails_its_callers_and_leaves_nothing()
    {
        // A negative amount violates a CHECK constraint: the whole batch's transaction must roll back.
        var good = Floor("f1", enrollment: true);
        var bad = Floor("f2", enrollment: true, amount: -1);
        var results = await Task.WhenAll(
            Capture(_ledger.AppendAsync([good])), Capture(_ledger.AppendAsync([bad])));

        Assert.Contains(results, r => r is LedgerUnavailableException);
        foreach (var (citizen, result) in new[] { ("f1", results[0]), ("f2", results[1]) })
        {
            var rows = (await _ledger.ReadHistoryAsync(citizen)).Of<PayoutPosting>();
            // Committed only if it went in another batch than the bad posting; failed means no row at all.
            Assert.Equal(result is PostingResult.Committed ? 1 : 0, rows.Count);
        }
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM floorpay_journal WHERE posting_id = 'f2:floor:2026-11'"));
    }

    [Fact]
    public async Task After_a_failed_batch_the_ledger_commits_and_reads_again()
    {
        // The failed batch may leave its connection mid-transaction: the next batches must not inherit it.
        Assert.IsType<LedgerUnavailableException>(await Capture(_ledger.AppendAsync([Floor("r1", enrollment: true, amount: -1)])));
        Assert.Equal(PostingResult.Committed, await _ledger.AppendAsync([Floor("r2", enrollment: true)]));
        Assert.Equal(PostingResult.Committed, await _ledger.AppendAsync([Floor("r2", "2026-12")]));
        Assert.Equal(2, (await _ledger.ReadHistoryAsync("r2")).Of<PayoutPosting>().Count);
        Assert.Empty((await _ledger.ReadHistoryAsync("r1")).Of<PayoutPosting>());
    }

    [Fact]
    public async Task Histories_read_together_each_get_exactly_their_own_rows_whatever_the_ids_contain()
    {
        // Ids a list of ids could be confused by: quotes, backslashes, commas, brackets, non-ASCII, SQL.
        string[] citizens = ["q\"1", "b\\2", "c,3", "[4]", "ü-5", "x') OR ('1'='1", "plain-6"];
        await Task.WhenAll(citizens.Select(c => _ledger.AppendAsync([Floor(c, enrollment: true)])));
        var histories = await Task.WhenAll(citizens.Concat(["absent-7"]).Select(c => _ledger.ReadHistoryAsync(c)));

        for (var i = 0; i < citizens.Length; i++)
            Assert.Equal(citizens[i], Assert.Single(histories[i].Of<PayoutPosting>()).CitizenId);
        Assert.Empty(histories[^1].Of<PayoutPosting>());
    }

    [Fact]
    public async Task Every_posting_has_two_legs_that_balance_and_the_journal_sums_to_zero()
    {
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => _ledger.AppendAsync([Floor($"j-{i}", enrollment: true, amount: 1000 + i)])));
        Assert.Equal(0, await ScalarAsync("SELECT COALESCE(SUM(amount), 0) FROM floorpay_journal"));
        Assert.Equal(60, await ScalarAsync("SELECT COUNT(*) FROM floorpay_journal"));
        Assert.Equal(0, await ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT posting_id FROM floorpay_journal GROUP BY posting_id HAVING SUM(amount) <> 0 OR COUNT(*) <> 2) unbalanced"));
        Assert.Equal(-(30 * 1000 + 435), await ScalarAsync("SELECT SUM(amount) FROM floorpay_journal WHERE account = 'fund:national'"));
    }

    [Fact]
    public async Task The_ledger_is_append_only()
    {
        await _ledger.AppendAsync([Floor("a1", enrollment: true)]);
        await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync("UPDATE floorpay_payouts SET amount = 1 WHERE citizen_id = 'a1'"));
        await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync("DELETE FROM floorpay_payouts WHERE citizen_id = 'a1'"));
        await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync("DELETE FROM floorpay_journal"));
        Assert.Equal(120_000, Assert.Single((await _ledger.ReadHistoryAsync("a1")).Of<PayoutPosting>()).Amount);
    }

    [Fact]
    public async Task Every_kind_of_entry_round_trips_through_its_table_and_no_journal_table_can_be_edited()
    {
        // One entry of every kind, appended together: each must read back exactly as written (every column bound and
        // read by its table's description), and every journal table must refuse UPDATE and DELETE.
        var at = Now();
        var payout = Floor("k1", enrollment: true);
        IReadOnlyList<JournalEntry> entries =
        [
            payout,
            new IdempotencyKeyEntry("bank-a", "key-2026-11", "k1", payout.PayoutId, payout.Fingerprint, at),
            new ContributionEntry("k1:contribution:1", "k1", "care", 45, "2026-11", "platform", "CONTRIBUTION_RECORDED@policy-v1", "k-c", "fc", at),
            new IdempotencyKeyEntry("platform", "k-c", "k1", "k1:contribution:1", "fc", at),
            new ExemptionEntry("k1:exemption:1", "k1", "illness", "ev-1", at, at.AddDays(30), "reviewer", "EXEMPTION_GRANTED@policy-v1", "k-e", "fe"),
            new AppealEntry("k1:appeal:1", "k1", payout.PayoutId, "amount-wrong", null, "bank-a", at, "k-a", "fa"),
            new AppealResolutionEntry("k1:appeal:1", "k1", AppealOutcome.Upheld, "short", 5_000, "reviewer", at, "APPEAL_UPHELD@policy-v1", "k-r", "fr", 9_000),
            new CorrectionApprovalEntry("k1:appeal:1", "k1", "reviewer-2", at, "k-v", "fv"),
            new InstructionEntry("k1:notice:1", "bank-b", InstructionKind.Notice, null, "k1", "tok-old", 0, "EUR", "2026-11", "ACCOUNT_CHANGED@policy-v1", null, at),
            new InstructionOutcomeEntry(new InstructionOutcomeRecord(payout.PayoutId, "bank-a", "k1", InstructionOutcome.Returned, "account closed", payout.Amount, at)),
            new AccountChangeEntry("k1:account:1", "k1", "bank-c", "tok-new", "bank-a", "tok", "bank-c", at, at.AddDays(3), "k-h", "fh"),
            new AccountReleaseEntry("k1:release:1", "k1", "bank-a", "bank-c", at, at.AddDays(7), "k-l", "fl"),
        ];
        Assert.Equal(PostingResult.Committed, await _ledger.AppendAsync(entries));

        var history = (await _ledger.ReadHistoryAsync("k1")).Entries;
        Assert.All(entries, e => Assert.Contains(e, history));
        Assert.Contains(payout.Instruction(), history); // the payout's own instruction, written with it
        Assert.Equal(entries.Count + 1, history.Count);
        Assert.Equal(JournalTables.All.Count, entries.Select(e => e.GetType()).Distinct().Count());

        foreach (var table in JournalTables.All.Select(t => t.Name).Append("floorpay_journal"))
        {
            var rows = await ScalarAsync($"SELECT COUNT(*) FROM {table}");
            Assert.True(rows > 0, table);
            var column = table == "floorpay_journal" ? "leg" : "citizen_id";
            await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync($"UPDATE {table} SET {column} = {column}"));
            await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync($"DELETE FROM {table}"));
            Assert.Equal(rows, await ScalarAsync($"SELECT COUNT(*) FROM {table}"));
        }
    }

    [Fact]
    public async Task The_counters_kept_with_the_ledger_cannot_be_deleted()
    {
        await _ledger.AppendAsync([Floor("t1", enrollment: true)]);
        await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync("DELETE FROM floorpay_region_tallies"));
        await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync("DELETE FROM floorpay_bank_instruction_counts"));
        Assert.Equal(1, (await new SqlLedgerTallies(_storage).ReadRegionAsync("R-NORTH")).Enrollments);
        Assert.Equal(new Tally(1, 120_000), (await new SqlInstructionOutbox(_storage, _ledger).OutstandingByBankAsync())["bank-a"]);
    }

    [Fact]
    public async Task Civic_records_are_unique_per_id_and_key_read_back_with_the_payouts_and_append_only()
    {
        var at = new DateTimeOffset(2026, 11, 12, 9, 30, 0, TimeSpan.Zero);
        var contribution = new ContributionEntry("r1:contribution:1", "r1", "care", 90, "2026-11", "platform", "CONTRIBUTION_RECORDED@policy-v1", "k-c", new string('c', 64), at);
        var exemption = new ExemptionEntry("r1:exemption:1", "r1", "illness", "ev-7", at, at.AddDays(30), "reviewer", "EXEMPTION_GRANTED@policy-v1", "k-e", new string('e', 64));
        var results = await Task.WhenAll(_ledger.AppendAsync([Floor("r1", enrollment: true)]), _ledger.AppendAsync([contribution]), _ledger.AppendAsync([exemption]));
        Assert.All(results, r => Assert.Equal(PostingResult.Committed, r));

        Assert.Equal(PostingResult.Conflict, await _ledger.AppendAsync([contribution with { ContributionId = "r1:contribution:2" }])); // same key
        Assert.Equal(PostingResult.Conflict, await _ledger.AppendAsync([contribution with { IdempotencyKey = "k-other" }]));         // same id
        Assert.Equal(PostingResult.Conflict, await _ledger.AppendAsync([exemption with { ExemptionId = "r1:exemption:2" }]));

        var history = await _ledger.ReadHistoryAsync("r1");
        Assert.Single(history.Of<PayoutPosting>());
        Assert.Equal(contribution, Assert.Single(history.Of<ContributionEntry>()));
        Assert.Equal(exemption, Assert.Single(history.Of<ExemptionEntry>()));
        Assert.Empty((await _ledger.ReadHistoryAsync("nobody")).Of<PayoutPosting>());

        await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync("UPDATE floorpay_contributions SET minutes = 1"));
        await Assert.ThrowsAnyAsync<DbException>(() => ScalarAsync("DELETE FROM floorpay_exemptions"));
    }

    [Fact]
    public async Task An_enrollment_stamped_too_long_ago_is_refused_retryably_and_not_written()
    {
        var stale = Floor("s1", enrollment: true) with { PaidAt = Now().AddMinutes(-1) };
        await Assert.ThrowsAsync<LedgerUnavailableException>(() => _ledger.AppendAsync([stale]));
        Assert.Empty((await _ledger.ReadHistoryAsync("s1")).Of<PayoutPosting>());
        Assert.Equal(PostingResult.Committed, await _ledger.AppendAsync([stale with { PaidAt = Now() }]));
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await _storage.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L);
    }

    private static async Task<object> Capture(Task<PostingResult> task)
    {
        try { return await task; }
        catch (Exception e) { return e; }
    }
}

public sealed class LedgerOnSqlite() : LedgerContract(StorageProvider.Sqlite);

public sealed class LedgerOnPostgres() : LedgerContract(StorageProvider.PostgreSql);
