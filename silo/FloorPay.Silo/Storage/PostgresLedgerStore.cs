using Npgsql;

namespace FloorPay.Silo.Storage;

/// <summary>
/// PostgreSQL ledger. A batch is one round trip: per kind of entry one statement that unnests parameter arrays and
/// inserts what does not conflict (for payouts, with exactly their journal legs), sent as one NpgsqlBatch between its
/// own BEGIN and COMMIT (or, when the writer must approve what went in first, in a transaction it commits after).
/// </summary>
internal sealed class PostgresLedgerStore(NpgsqlDataSource dataSource, string fundId) : ILedgerStore
{
    /// <summary>
    /// The ledger's statements are few and fixed, and planning the payout statement cost PostgreSQL more CPU than running
    /// it: they are prepared once per connection (Npgsql auto-prepare). A prepared statement keeps the plan made when its
    /// tables were small (a fresh deployment at the start of a surge): a sequential scan there would read the whole, growing
    /// table on every batch, so these connections plan without sequential scans (every statement here looks rows up by key).
    /// </summary>
    public static PostgresLedgerStore Open(string connectionString, string fundId)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.MaxAutoPrepare == 0) settings.MaxAutoPrepare = 48;
        settings.Options = ((settings.Options ?? "") + " -c enable_seqscan=off").Trim();
        return new PostgresLedgerStore(NpgsqlDataSource.Create(settings.ConnectionString), fundId);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    // A payout, its instruction (the outbox) and its idempotency key commit together. Each bank's sequence row is locked
    // (in bank order, so two writers cannot deadlock on it) until commit: a bank's instructions are numbered in commit
    // order without gaps. A payout whose key is taken is not inserted; if another transaction takes the key between the
    // check and the insert, the payout would go in without it, so the statement aborts the batch (the writer retries).
    // Four variants: a batch without enrollments has nothing an enrollment seal could refuse, and one without keys (the
    // payday run's payouts, re-issues, notices) nothing to check against the keys; each skips that look-up.
    private static readonly string[] PayoutsSqlVariants =
        [PayoutsSql(false, false), PayoutsSql(false, true), PayoutsSql(true, false), PayoutsSql(true, true)];

    private static string PayoutsSql(bool enrollments, bool keys) => $"""
        WITH sealed AS (
            SELECT {(enrollments ? "COALESCE(MAX(eligible_before_ticks), 0)" : "0::bigint")} AS cutoff
            {(enrollments ? "FROM floorpay_enrollment_seals" : "")}
        ), input AS (
            SELECT * FROM unnest({Placeholders(PayoutsAt, JournalTables.Payouts)}) AS t({JournalTables.Payouts.Columns})
        ), keys_in AS (
            SELECT * FROM unnest({Placeholders(KeysAt, JournalTables.Keys)}) AS k({JournalTables.Keys.Columns})
        ), inserted AS (
            INSERT INTO floorpay_payouts ({JournalTables.Payouts.Columns})
            SELECT {Qualified("input", JournalTables.Payouts)} FROM input, sealed
            WHERE (NOT input.enrollment OR input.paid_at_ticks >= sealed.cutoff)
              {(keys ? """
              AND NOT EXISTS (SELECT 1 FROM keys_in k JOIN floorpay_idempotency_keys x ON x.scope = k.scope AND x.idempotency_key = k.idempotency_key
                              WHERE k.entry_id = input.payout_id)
              """ : "")}
            ON CONFLICT DO NOTHING
            RETURNING payout_id, citizen_id, kind, period, amount, currency, reason_code, bank_id, account_token, paid_at_ticks
        ), wanted AS (
            SELECT {Qualified("k", JournalTables.Keys)} FROM inserted i JOIN keys_in k ON k.entry_id = i.payout_id
        ), keyed AS (
            {(keys ? $"""
            INSERT INTO floorpay_idempotency_keys ({JournalTables.Keys.Columns})
            SELECT * FROM wanted ORDER BY scope, idempotency_key
            ON CONFLICT DO NOTHING
            RETURNING scope
            """ : "SELECT NULL::text AS scope WHERE false")}
        ), legs AS (
            INSERT INTO floorpay_journal (posting_id, leg, account, amount)
            SELECT payout_id, 1, 'fund:' || ${FundAt}::text, -amount FROM inserted
            UNION ALL
            SELECT payout_id, 2, 'payable:' || citizen_id, amount FROM inserted
        ), explicit AS (
            SELECT * FROM unnest({Placeholders(InstructionsAt, JournalTables.Instructions)}) AS e({JournalTables.Instructions.Columns})
            WHERE NOT EXISTS (SELECT 1 FROM floorpay_instructions x WHERE x.instruction_id = e.instruction_id OR x.reissue_of = e.reissue_of)
        ), fresh AS (
            -- A payout's own instruction, in the instruction table's column order: same id, the payout's bank and account.
            SELECT payout_id AS instruction_id, bank_id, kind, payout_id, citizen_id, account_token, amount,
                   currency, period, reason_code, NULL::text AS reissue_of, paid_at_ticks AS issued_at_ticks
            FROM inserted
            UNION ALL
            SELECT * FROM explicit
        ), counts AS (
            SELECT bank_id, count(*) AS n FROM fresh GROUP BY bank_id
        ), numbered AS (
            INSERT INTO floorpay_bank_sequences AS s (bank_id, last_sequence)
            SELECT bank_id, n FROM counts ORDER BY bank_id
            ON CONFLICT (bank_id) DO UPDATE SET last_sequence = s.last_sequence + EXCLUDED.last_sequence
            RETURNING s.bank_id, s.last_sequence
        ), issued AS (
            INSERT INTO floorpay_instructions ({JournalTables.Instructions.Columns}, sequence)
            SELECT f.*, q.last_sequence - c.n + row_number() OVER (PARTITION BY f.bank_id ORDER BY f.instruction_id)
            FROM fresh f JOIN counts c ON c.bank_id = f.bank_id JOIN numbered q ON q.bank_id = f.bank_id
            RETURNING instruction_id, bank_id, sequence
        )
        SELECT 'payout' AS row_kind, payout_id AS id, NULL::text AS bank_id, NULL::bigint AS sequence FROM inserted
        UNION ALL
        SELECT 'instruction', instruction_id, bank_id, sequence FROM issued
        UNION ALL
        SELECT 'stale', input.payout_id, NULL::text, NULL::bigint FROM input, sealed WHERE input.enrollment AND input.paid_at_ticks < sealed.cutoff
        {(keys ? """
        UNION ALL
        SELECT 'abort', floorpay_abort('a payout would commit without its idempotency key'), NULL::text, NULL::bigint
        WHERE (SELECT count(*) FROM keyed) <> (SELECT count(*) FROM wanted)
        """ : "")};
        """;

    // The payout statement's parameters by position: payouts' columns, then keys', then instructions', then the fund.
    // (Positional placeholders with unnamed parameters are sent as written: Npgsql does not parse and rewrite the SQL.)
    private const int PayoutsAt = 1;
    private static int KeysAt => PayoutsAt + JournalTables.Payouts.ColumnNames.Count;
    private static int InstructionsAt => KeysAt + JournalTables.Keys.ColumnNames.Count;
    private static int FundAt => InstructionsAt + JournalTables.Instructions.ColumnNames.Count;

    private static string Placeholders(int first, JournalTable table) => string.Join(", ", table.ColumnNames.Select((_, i) => $"${first + i}"));

    private static string Qualified(string alias, JournalTable table) => string.Join(", ", table.ColumnNames.Select(c => $"{alias}.{c}"));

    public async Task<BatchCommit?> InsertBatchAsync(IReadOnlyList<JournalEntry> entries, Func<BatchCommit, bool> approve, bool unitsNeedApproval,
        CancellationToken cancellation)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellation);
        await using var batch = new NpgsqlBatch(connection);
        // With no unit that could go in by halves, the transaction is opened and committed by the batch itself: one round
        // trip. Otherwise COMMIT waits for the writer's approval of what went in (one round trip more).
        var tx = unitsNeedApproval ? await connection.BeginTransactionAsync(cancellation) : null;
        await using var ownTransaction = tx;
        if (tx is not null) batch.Transaction = tx;
        else batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        // Every writer inserts rows in key order, so two batches touching the same keys wait on each other, never deadlock.
        var payouts = JournalTables.Payouts.Rows(entries);
        var instructions = JournalTables.Instructions.Rows(entries);
        var payoutIds = payouts.Select(p => p.PayoutId).ToHashSet(StringComparer.Ordinal);
        // A payout's key goes in with it, in its statement; other records' keys with the other appended kinds.
        var keys = JournalTables.Keys.Rows(entries);
        var payoutKeys = keys.Where(k => payoutIds.Contains(k.EntryId)).ToList();
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        var banks = new Dictionary<string, long>(StringComparer.Ordinal);
        var stale = new HashSet<string>(StringComparer.Ordinal);
        // What each statement that returns rows reports, in the order of the statements (BEGIN, LOCK and COMMIT return none).
        var results = new List<Action<NpgsqlDataReader>>();
        // Take the payouts' write lock in a statement of its own, so the next statement's snapshot is taken after it: a
        // dividend seal committed before this batch could write is then seen, and one in progress is waited for.
        if (payouts.Any(p => p.Enrollment)) batch.BatchCommands.Add(new NpgsqlBatchCommand("LOCK TABLE floorpay_payouts IN ROW EXCLUSIVE MODE"));
        if (payouts.Count > 0 || instructions.Count > 0)
        {
            var c = new NpgsqlBatchCommand(PayoutsSqlVariants[(payouts.Any(p => p.Enrollment) ? 2 : 0) + (payoutKeys.Count > 0 ? 1 : 0)]);
            c.Parameters.AddRange(JournalTables.Payouts.PostgresArrays(payouts));
            c.Parameters.AddRange(JournalTables.Keys.PostgresArrays(payoutKeys));
            c.Parameters.AddRange(JournalTables.Instructions.PostgresArrays(instructions));
            c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fundId });
            batch.BatchCommands.Add(c);
            results.Add(r =>
            {
                var id = r.Text("id");
                switch (r.Text("row_kind"))
                {
                    case "stale":
                        stale.Add(id);
                        break;
                    case "instruction":
                        inserted.Add(id);
                        var bank = r.Text("bank_id");
                        banks[bank] = Math.Max(banks.GetValueOrDefault(bank), r.Long("sequence"));
                        break;
                    default:
                        inserted.Add(id);
                        break;
                }
            });
        }
        foreach (var table in JournalTables.Appended)
        {
            var rows = table == JournalTables.Keys ? keys.Where(k => !payoutIds.Contains(k.EntryId)).ToList<JournalEntry>() : table.Of(entries);
            if (rows.Count == 0) continue;
            var c = new NpgsqlBatchCommand(table.PostgresInsert);
            c.Parameters.AddRange(table.PostgresArrays(rows));
            batch.BatchCommands.Add(c);
            results.Add(r => inserted.Add(table.Read(r).JournalId));
        }

        if (tx is null) batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellation);
            foreach (var result in results)
            {
                while (await reader.ReadAsync(cancellation)) result(reader);
                await reader.NextResultAsync(cancellation);
            }
            while (await reader.NextResultAsync(cancellation)) { } // through COMMIT
        }
        catch when (tx is null)
        {
            await RollBackQuietlyAsync(connection);
            throw;
        }
        // The statement aborts unless every inserted payout's key went in with it.
        foreach (var k in payoutKeys)
            if (inserted.Contains(k.EntryId)) inserted.Add(k.JournalId);
        var commit = new BatchCommit(inserted, banks, stale);
        if (tx is null)
        {
            // Committed already: nothing in it can have gone in by halves (the writer said so), and it was on time.
            approve(commit);
            return commit;
        }
        if (!approve(commit))
        {
            await tx.RollbackAsync(cancellation);
            return null;
        }
        await tx.CommitAsync(cancellation);
        return commit;
    }

    public async Task<string?> CitizenHoldingKeyAsync(string scope, string key, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("SELECT citizen_id FROM floorpay_idempotency_keys WHERE scope = @s AND idempotency_key = @k");
        command.Parameters.AddWithValue("s", scope);
        command.Parameters.AddWithValue("k", key);
        return await command.ExecuteScalarAsync(cancellation) as string;
    }

    // Built once: every activation sends them, and a prepared statement is found by its text.
    private static readonly string[] HistorySql = JournalTables.All
        .Select(t => $"SELECT {t.Selected} FROM {t.Name} WHERE citizen_id = ANY($1) ORDER BY citizen_id, {t.HistoryOrder}").ToArray();

    public async Task<IReadOnlyDictionary<string, CitizenHistory>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation)
    {
        var ids = citizenIds.Distinct().ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellation);
        // One snapshot for all the tables (a return read without its instruction, or a payout without its account change,
        // would make an activation decide on a history that never existed), in one round trip: the read-only transaction
        // is opened and committed by the batch itself.
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
        foreach (var sql in HistorySql)
        {
            var c = new NpgsqlBatchCommand(sql);
            c.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
            batch.BatchCommands.Add(c);
        }
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        try
        {
            return await ReadHistoriesAsync(batch, ids, cancellation);
        }
        catch
        {
            await RollBackQuietlyAsync(connection);
            throw;
        }
    }

    /// <summary>A batch that opened its own transaction and failed leaves it open: end it before the connection is pooled.</summary>
    private static async Task RollBackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException) { } // a broken connection is not reused by the pool
    }

    private static async Task<IReadOnlyDictionary<string, CitizenHistory>> ReadHistoriesAsync(NpgsqlBatch batch, string[] ids, CancellationToken cancellation)
    {
        var histories = new CitizenHistories(ids);
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        // (BEGIN and COMMIT return no rows: the reader has no result set for them.)
        foreach (var table in JournalTables.All)
        {
            while (await reader.ReadAsync(cancellation)) histories.Add(table, reader);
            await reader.NextResultAsync(cancellation);
        }
        while (await reader.NextResultAsync(cancellation)) { } // through COMMIT
        return histories.ByCitizen();
    }
}
