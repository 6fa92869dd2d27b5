using Microsoft.Data.Sqlite;

namespace FloorPay.Silo.Storage;

/// <summary>
/// SQLite ledger: one IMMEDIATE transaction per batch; per kind of entry a prepared insert that skips conflicting
/// rows and returns the inserted ones, then the journal legs of the inserted payouts. SQLite has a single writer, so
/// batching is what scales it.
/// </summary>
internal sealed class SqliteLedgerStore(string connectionString, string fundId) : ILedgerStore
{
    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // a connection per batch: nothing is held between batches

    public async Task<BatchCommit?> InsertBatchAsync(IReadOnlyList<JournalEntry> entries, Func<BatchCommit, bool> approve, bool unitsNeedApproval,
        CancellationToken cancellation)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellation);
        // Grain state shares this file's single write lock. Without a busy timeout, Microsoft.Data.Sqlite answers a
        // held lock by sleeping 150 ms at a time; SQLite's own busy handler retries within milliseconds.
        await using (var wait = connection.CreateCommand())
        {
            wait.CommandText = "PRAGMA busy_timeout = 10000;";
            await wait.ExecuteNonQueryAsync(cancellation);
        }
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellation);
        var inserted = new HashSet<string>(StringComparer.Ordinal);

        var payouts = JournalTables.Payouts.Rows(entries);
        // This transaction holds the single write lock: a dividend seal is either committed (and seen here) or waits.
        var stale = new HashSet<string>(StringComparer.Ordinal);
        if (payouts.Any(p => p.Enrollment))
        {
            await using var cutoff = connection.CreateCommand();
            cutoff.Transaction = tx;
            cutoff.CommandText = "SELECT COALESCE(MAX(eligible_before_ticks), 0) FROM floorpay_enrollment_seals;";
            var sealedBefore = Convert.ToInt64(await cutoff.ExecuteScalarAsync(cancellation));
            stale.UnionWith(payouts.Where(p => p.Enrollment && p.PaidAt.UtcTicks < sealedBefore).Select(p => p.PayoutId));
            payouts = payouts.Where(p => !stale.Contains(p.PayoutId)).ToList();
        }
        if (payouts.Count > 0)
        {
            var added = await InsertRowsAsync(connection, tx, JournalTables.Payouts, payouts, cancellation);
            // The two legs of a payout: the fund pays, the citizen's payable account receives. They sum to zero.
            var legs = added.Cast<PayoutPosting>()
                .SelectMany(p => new (string PayoutId, int Leg, string Account, long Amount)[] { (p.PayoutId, 1, $"fund:{fundId}", -p.Amount), (p.PayoutId, 2, $"payable:{p.CitizenId}", p.Amount) })
                .ToList();
            await InsertLegsAsync(connection, tx, legs, cancellation);
            inserted.UnionWith(added.Select(p => p.JournalId));
        }
        // The outbox: an instruction for every payout inserted, plus explicit ones not yet recorded, numbered per bank.
        // SQLite has one writer, so reading the bank's last sequence inside this transaction cannot race.
        var fresh = payouts.Where(p => inserted.Contains(p.PayoutId)).Select(p => p.Instruction()).ToList();
        foreach (var i in JournalTables.Instructions.Rows(entries))
            if (!await InstructionExistsAsync(connection, tx, i, cancellation)) fresh.Add(i);
        var banks = new Dictionary<string, long>(StringComparer.Ordinal);
        if (fresh.Count > 0)
        {
            var rows = new List<(InstructionEntry Entry, long Sequence)>();
            foreach (var group in fresh.GroupBy(i => i.BankId, StringComparer.Ordinal))
            {
                var last = await LastSequenceAsync(connection, tx, group.Key, cancellation);
                var ordered = group.OrderBy(i => i.InstructionId, StringComparer.Ordinal).ToList();
                rows.AddRange(ordered.Select((entry, n) => (entry, last + n + 1)));
                await using var upsert = connection.CreateCommand();
                upsert.Transaction = tx;
                upsert.CommandText = "INSERT INTO floorpay_bank_sequences (bank_id, last_sequence) VALUES (@b, @s) " +
                                     "ON CONFLICT (bank_id) DO UPDATE SET last_sequence = excluded.last_sequence;";
                upsert.Parameters.AddWithValue("@b", group.Key);
                upsert.Parameters.AddWithValue("@s", last + ordered.Count);
                await upsert.ExecuteNonQueryAsync(cancellation);
                banks[group.Key] = last + ordered.Count;
            }
            await InsertInstructionsAsync(connection, tx, rows, cancellation);
            inserted.UnionWith(rows.Select(r => r.Entry.InstructionId));
        }
        foreach (var table in JournalTables.Appended)
        {
            var rows = table.Of(entries);
            if (rows.Count > 0) inserted.UnionWith((await InsertRowsAsync(connection, tx, table, rows, cancellation)).Select(e => e.JournalId));
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

    private static async Task<bool> InstructionExistsAsync(SqliteConnection connection, SqliteTransaction tx, InstructionEntry i, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT COUNT(*) FROM floorpay_instructions WHERE instruction_id = @id OR reissue_of = @r;";
        command.Parameters.AddWithValue("@id", i.InstructionId);
        command.Parameters.AddWithValue("@r", (object?)i.ReissueOf ?? DBNull.Value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation)) > 0;
    }

    private static async Task<long> LastSequenceAsync(SqliteConnection connection, SqliteTransaction tx, string bankId, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT last_sequence FROM floorpay_bank_sequences WHERE bank_id = @b;";
        command.Parameters.AddWithValue("@b", bankId);
        return await command.ExecuteScalarAsync(cancellation) is { } v and not DBNull ? Convert.ToInt64(v) : 0L;
    }

    /// <summary>
    /// Inserts the rows with the table's prepared single-row statement, which skips a row conflicting with a unique key;
    /// returns the entries inserted. (One multi-row INSERT binds its thousands of named parameters in quadratic time.)
    /// </summary>
    private static async Task<List<JournalEntry>> InsertRowsAsync(SqliteConnection connection, SqliteTransaction tx, JournalTable table,
        IReadOnlyList<JournalEntry> rows, CancellationToken cancellation)
    {
        var inserted = new List<JournalEntry>();
        await using var command = Prepared(connection, tx, table.SqliteInsert, table.ColumnNames.Count, out var parameters);
        foreach (var row in rows)
        {
            var values = table.SqliteValues(row);
            for (var c = 0; c < values.Length; c++) parameters[c].Value = values[c];
            if (await command.ExecuteScalarAsync(cancellation) is not null) inserted.Add(row);
        }
        return inserted;
    }

    /// <summary>The outbox rows, with the sequence this transaction gave each (the store's column after the entry's).</summary>
    private static async Task InsertInstructionsAsync(SqliteConnection connection, SqliteTransaction tx, List<(InstructionEntry Entry, long Sequence)> rows,
        CancellationToken cancellation)
    {
        var table = JournalTables.Instructions;
        var width = table.ColumnNames.Count;
        await using var command = Prepared(connection, tx,
            $"INSERT INTO {table.Name} ({table.Columns}, sequence) VALUES ({string.Join(", ", Enumerable.Range(0, width + 1).Select(i => $"@c{i}"))});",
            width + 1, out var parameters);
        foreach (var (entry, sequence) in rows)
        {
            var values = table.SqliteValues(entry);
            for (var c = 0; c < width; c++) parameters[c].Value = values[c];
            parameters[width].Value = sequence;
            await command.ExecuteNonQueryAsync(cancellation);
        }
    }

    private static async Task InsertLegsAsync(SqliteConnection connection, SqliteTransaction tx,
        List<(string PayoutId, int Leg, string Account, long Amount)> legs, CancellationToken cancellation)
    {
        await using var command = Prepared(connection, tx, "INSERT INTO floorpay_journal (posting_id, leg, account, amount) VALUES (@c0, @c1, @c2, @c3);",
            4, out var parameters);
        foreach (var leg in legs)
        {
            (parameters[0].Value, parameters[1].Value, parameters[2].Value, parameters[3].Value) = (leg.PayoutId, leg.Leg, leg.Account, leg.Amount);
            await command.ExecuteNonQueryAsync(cancellation);
        }
    }

    private static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction tx, string sql, int width, out SqliteParameter[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        parameters = Enumerable.Range(0, width).Select(c => command.Parameters.Add(new SqliteParameter { ParameterName = $"@c{c}" })).ToArray();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }

    public async Task<string?> CitizenHoldingKeyAsync(string scope, string key, CancellationToken cancellation)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection, "SELECT citizen_id FROM floorpay_idempotency_keys WHERE scope = @s AND idempotency_key = @k",
            ("s", scope), ("k", key));
        return await command.ExecuteScalarAsync(cancellation) as string;
    }

    public async Task<IReadOnlyDictionary<string, CitizenHistory>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation)
    {
        var ids = citizenIds.Distinct().ToList();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellation);
        // One read transaction, so every table is read at the same snapshot (a return never without its instruction).
        await using var tx = connection.BeginTransaction(deferred: true);
        var histories = new CitizenHistories(ids);
        foreach (var table in JournalTables.All)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            var names = ids.Select((id, i) =>
            {
                command.Parameters.AddWithValue($"@c{i}", id);
                return $"@c{i}";
            }).ToList();
            command.CommandText = $"SELECT {table.Selected} FROM {table.Name} WHERE citizen_id IN ({string.Join(",", names)}) ORDER BY citizen_id, {table.HistoryOrder};";
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) histories.Add(table, reader);
        }
        await tx.CommitAsync(cancellation);
        return histories.ByCitizen();
    }
}
