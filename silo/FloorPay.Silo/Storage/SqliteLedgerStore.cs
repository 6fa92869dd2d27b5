using Microsoft.Data.Sqlite;

namespace FloorPay.Silo.Storage;

/// <summary>
/// SQLite ledger: one IMMEDIATE transaction per batch; per kind of entry a prepared insert that skips conflicting
/// rows and returns the inserted ones, then the journal legs of the inserted payouts. SQLite has a single writer, so
/// batching is what scales it.
/// </summary>
internal sealed class SqliteLedgerStore(string connectionString, string fundId) : ILedgerStore
{
    // The ledger's single writer loop and single reader loop each keep a connection with its statements prepared.
    private readonly SqliteSession _writer = new(connectionString);
    private readonly SqliteSession _reader = new(connectionString);

    private const string SealedBefore = "SELECT COALESCE(MAX(eligible_before_ticks), 0) FROM floorpay_enrollment_seals;";
    private const string InstructionExists = "SELECT COUNT(*) FROM floorpay_instructions WHERE instruction_id = @c0 OR reissue_of = @c1;";
    private const string LastSequence = "SELECT last_sequence FROM floorpay_bank_sequences WHERE bank_id = @c0;";
    private const string SetLastSequence = "INSERT INTO floorpay_bank_sequences (bank_id, last_sequence) VALUES (@c0, @c1) " +
                                           "ON CONFLICT (bank_id) DO UPDATE SET last_sequence = excluded.last_sequence;";
    private const string InsertLeg = "INSERT INTO floorpay_journal (posting_id, leg, account, amount) VALUES (@c0, @c1, @c2, @c3);";
    private static readonly string InsertInstruction =
        $"INSERT INTO {JournalTables.Instructions.Name} ({JournalTables.Instructions.Columns}, sequence) " +
        $"VALUES ({string.Join(", ", Enumerable.Range(0, JournalTables.Instructions.ColumnNames.Count + 1).Select(i => $"@c{i}"))});";

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _reader.DisposeAsync();
    }

    public Task<BatchCommit?> InsertBatchAsync(IReadOnlyList<JournalEntry> entries, Func<BatchCommit, bool> approve, bool unitsNeedApproval,
        CancellationToken cancellation) =>
        _writer.UseAsync(connection => InsertBatchAsync(connection, entries, approve, cancellation), cancellation);

    private async Task<BatchCommit?> InsertBatchAsync(SqliteConnection connection, IReadOnlyList<JournalEntry> entries, Func<BatchCommit, bool> approve,
        CancellationToken cancellation)
    {
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellation);
        var inserted = new HashSet<string>(StringComparer.Ordinal);

        var payouts = JournalTables.Payouts.Rows(entries);
        // This transaction holds the single write lock: a dividend seal is either committed (and seen here) or waits.
        var stale = new HashSet<string>(StringComparer.Ordinal);
        if (payouts.Any(p => p.Enrollment))
        {
            var sealedBefore = Convert.ToInt64(await _writer.Prepared(SealedBefore, 0, tx).ExecuteScalarAsync(cancellation));
            stale.UnionWith(payouts.Where(p => p.Enrollment && p.PaidAt.UtcTicks < sealedBefore).Select(p => p.PayoutId));
            payouts = payouts.Where(p => !stale.Contains(p.PayoutId)).ToList();
        }
        if (payouts.Count > 0)
        {
            var added = await InsertRowsAsync(tx, JournalTables.Payouts, payouts, cancellation);
            // The two legs of a payout: the fund pays, the citizen's payable account receives. They sum to zero.
            var legs = _writer.Prepared(InsertLeg, 4, tx);
            foreach (var p in added.Cast<PayoutPosting>())
            {
                await InsertLegAsync(legs, p.PayoutId, 1, $"fund:{fundId}", -p.Amount, cancellation);
                await InsertLegAsync(legs, p.PayoutId, 2, $"payable:{p.CitizenId}", p.Amount, cancellation);
            }
            inserted.UnionWith(added.Select(p => p.JournalId));
        }
        // The outbox: an instruction for every payout inserted, plus explicit ones not yet recorded, numbered per bank.
        // SQLite has one writer, so reading the bank's last sequence inside this transaction cannot race.
        var fresh = payouts.Where(p => inserted.Contains(p.PayoutId)).Select(p => p.Instruction()).ToList();
        foreach (var i in JournalTables.Instructions.Rows(entries))
        {
            var exists = _writer.Prepared(InstructionExists, 2, tx);
            (exists.Parameters[0].Value, exists.Parameters[1].Value) = (i.InstructionId, (object?)i.ReissueOf ?? DBNull.Value);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellation)) == 0) fresh.Add(i);
        }
        var banks = new Dictionary<string, long>(StringComparer.Ordinal);
        if (fresh.Count > 0)
        {
            var rows = new List<(InstructionEntry Entry, long Sequence)>();
            foreach (var group in fresh.GroupBy(i => i.BankId, StringComparer.Ordinal))
            {
                var read = _writer.Prepared(LastSequence, 1, tx);
                read.Parameters[0].Value = group.Key;
                var last = await read.ExecuteScalarAsync(cancellation) is { } v and not DBNull ? Convert.ToInt64(v) : 0L;
                var ordered = group.OrderBy(i => i.InstructionId, StringComparer.Ordinal).ToList();
                rows.AddRange(ordered.Select((entry, n) => (entry, last + n + 1)));
                var upsert = _writer.Prepared(SetLastSequence, 2, tx);
                (upsert.Parameters[0].Value, upsert.Parameters[1].Value) = (group.Key, last + ordered.Count);
                await upsert.ExecuteNonQueryAsync(cancellation);
                banks[group.Key] = last + ordered.Count;
            }
            await InsertInstructionsAsync(tx, rows, cancellation);
            inserted.UnionWith(rows.Select(r => r.Entry.InstructionId));
        }
        foreach (var table in JournalTables.Appended)
        {
            var rows = table.Of(entries);
            if (rows.Count > 0) inserted.UnionWith((await InsertRowsAsync(tx, table, rows, cancellation)).Select(e => e.JournalId));
        }

        var commit = new BatchCommit(inserted, banks, stale);
        if (!approve(commit))
        {
            await tx.RollbackAsync(cancellation);
            return null;
        }
        await tx.CommitAsync(cancellation);
        return commit;
    }

    private static async Task InsertLegAsync(SqliteCommand legs, string payoutId, int leg, string account, long amount, CancellationToken cancellation)
    {
        (legs.Parameters[0].Value, legs.Parameters[1].Value, legs.Parameters[2].Value, legs.Parameters[3].Value) = (payoutId, leg, account, amount);
        await legs.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>
    /// Inserts the rows with the table's prepared single-row statement, which skips a row conflicting with a unique key;
    /// returns the entries inserted. (One multi-row INSERT binds its thousands of named parameters in quadratic time.)
    /// </summary>
    private async Task<List<JournalEntry>> InsertRowsAsync(SqliteTransaction tx, JournalTable table, IReadOnlyList<JournalEntry> rows,
        CancellationToken cancellation)
    {
        var inserted = new List<JournalEntry>();
        var command = _writer.Prepared(table.SqliteInsert, table.ColumnNames.Count, tx);
        foreach (var row in rows)
        {
            var values = table.SqliteValues(row);
            for (var c = 0; c < values.Length; c++) command.Parameters[c].Value = values[c];
            if (await command.ExecuteScalarAsync(cancellation) is not null) inserted.Add(row);
        }
        return inserted;
    }

    /// <summary>The outbox rows, with the sequence this transaction gave each (the store's column after the entry's).</summary>
    private async Task InsertInstructionsAsync(SqliteTransaction tx, List<(InstructionEntry Entry, long Sequence)> rows, CancellationToken cancellation)
    {
        var width = JournalTables.Instructions.ColumnNames.Count;
        var command = _writer.Prepared(InsertInstruction, width + 1, tx);
        foreach (var (entry, sequence) in rows)
        {
            var values = JournalTables.Instructions.SqliteValues(entry);
            for (var c = 0; c < width; c++) command.Parameters[c].Value = values[c];
            command.Parameters[width].Value = sequence;
            await command.ExecuteNonQueryAsync(cancellation);
        }
    }

    public async Task<string?> CitizenHoldingKeyAsync(string scope, string key, CancellationToken cancellation)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection, "SELECT citizen_id FROM floorpay_idempotency_keys WHERE scope = @s AND idempotency_key = @k",
            ("s", scope), ("k", key));
        return await command.ExecuteScalarAsync(cancellation) as string;
    }

    public Task<IReadOnlyDictionary<string, CitizenHistory>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation)
    {
        var ids = citizenIds.Distinct().ToList();
        // The ids travel as one JSON array, so each table's query is one prepared statement whatever the batch's size.
        var idList = System.Text.Json.JsonSerializer.Serialize(ids);
        return _reader.UseAsync<IReadOnlyDictionary<string, CitizenHistory>>(async connection =>
        {
            // One read transaction, so every table is read at the same snapshot (a return never without its instruction).
            await using var tx = connection.BeginTransaction(deferred: true);
            var histories = new CitizenHistories(ids);
            foreach (var table in JournalTables.All)
            {
                var command = _reader.Prepared(table.SqliteHistories, 1, tx);
                command.Parameters[0].Value = idList;
                await using var reader = await command.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation)) histories.Add(table, reader);
            }
            await tx.CommitAsync(cancellation);
            return histories.ByCitizen();
        }, cancellation);
    }
}
