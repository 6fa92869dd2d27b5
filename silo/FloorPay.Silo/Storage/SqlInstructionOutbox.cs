using System.Collections.Concurrent;

namespace FloorPay.Silo.Storage;

/// <summary>The banks' read model over the ledger tables; plain SQL that both SQLite and PostgreSQL run.</summary>
public sealed class SqlInstructionOutbox : IInstructionOutbox
{
    private readonly StorageSettings _storage;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);
    private long _lists;

    /// <summary>How many times a bank's instructions were listed (streams and pages): shows what idle streams cost.</summary>
    public long Lists => Interlocked.Read(ref _lists);

    public SqlInstructionOutbox(StorageSettings storage, GroupCommitLedger ledger)
    {
        _storage = storage;
        ledger.InstructionsCommitted += banks =>
        {
            foreach (var bank in banks.Keys)
                if (_next.TryRemove(bank, out var waiting)) waiting.TrySetResult();
        };
    }

    public Task NextCommit(string bankId) =>
        _next.GetOrAdd(bankId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async Task<IReadOnlyList<PayoutInstruction>> ListAsync(string bankId, long afterSequence, int limit, CancellationToken cancellation = default)
    {
        Interlocked.Increment(ref _lists);
        await using var connection = await OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            $"SELECT {JournalTables.Instructions.Selected} FROM floorpay_instructions WHERE bank_id = @b AND sequence > @after ORDER BY sequence LIMIT @n",
            ("b", bankId), ("after", afterSequence), ("n", limit));
        var rows = new List<PayoutInstruction>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) rows.Add(JournalTables.ReadInstruction(reader));
        return rows;
    }

    public async Task<IReadOnlyDictionary<string, (PayoutInstruction Instruction, InstructionOutcomeRecord? Outcome)>> FindAsync(
        IReadOnlyCollection<string> instructionIds, CancellationToken cancellation = default)
    {
        var found = new Dictionary<string, (PayoutInstruction, InstructionOutcomeRecord?)>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(cancellation);
        // Both tables name some columns alike: the outcome's come back prefixed, so each is read by its own name.
        var columns = string.Join(", ", JournalTables.Instructions.Selected.Split(", ").Select(c => "i." + c)) + ", " +
                      string.Join(", ", JournalTables.Outcomes.ColumnNames.Select(c => $"o.{c} AS o_{c}"));
        foreach (var chunk in instructionIds.Distinct().Chunk(500))
        {
            var names = chunk.Select((id, i) => ($"p{i}", (object)id)).ToArray();
            await using var command = SqlCommands.Create(connection,
                $"SELECT {columns} FROM floorpay_instructions i LEFT JOIN floorpay_instruction_outcomes o ON o.instruction_id = i.instruction_id " +
                $"WHERE i.instruction_id IN ({string.Join(",", names.Select(n => "@" + n.Item1))})", names);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var instruction = JournalTables.ReadInstruction(reader);
                var outcome = reader.IsDBNull(reader.GetOrdinal("o_instruction_id")) ? null : JournalTables.ReadOutcome(reader, "o_");
                found[instruction.InstructionId] = (instruction, outcome);
            }
        }
        return found;
    }

    public async Task<SettlementDay> ReportAsync(string bankId, DateOnly day, CancellationToken cancellation = default)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).UtcTicks;
        var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).UtcTicks;
        await using var connection = await OpenAsync(cancellation);
        // One snapshot, so that issued, settled, returned and outstanding describe the same moment.
        await using var tx = await connection.BeginTransactionAsync(
            _storage.Provider == StorageProvider.PostgreSql ? System.Data.IsolationLevel.RepeatableRead : System.Data.IsolationLevel.Serializable, cancellation);

        async Task<Tally> Sum(string sql)
        {
            await using var command = SqlCommands.Create(connection, sql, ("b", bankId), ("s", start), ("e", end));
            command.Transaction = tx;
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            await reader.ReadAsync(cancellation);
            return new Tally(Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)));
        }

        var issued = await Sum("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM floorpay_instructions " +
                               "WHERE bank_id = @b AND kind <> 'notice' AND issued_at_ticks >= @s AND issued_at_ticks < @e");
        var settled = await Sum("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM floorpay_instruction_outcomes " +
                                "WHERE bank_id = @b AND outcome = 'settled' AND recorded_at_ticks >= @s AND recorded_at_ticks < @e");
        var returned = await Sum("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM floorpay_instruction_outcomes " +
                                 "WHERE bank_id = @b AND outcome = 'returned' AND recorded_at_ticks >= @s AND recorded_at_ticks < @e");
        var outstanding = await Sum(
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM floorpay_instructions i " +
            "WHERE bank_id = @b AND kind <> 'notice' AND issued_at_ticks < @e AND NOT EXISTS " +
            "(SELECT 1 FROM floorpay_instruction_outcomes o WHERE o.instruction_id = i.instruction_id AND o.recorded_at_ticks < @e)");
        await tx.CommitAsync(cancellation);
        return new SettlementDay(bankId, day, issued, settled, returned, outstanding);
    }

    public async Task<IReadOnlyDictionary<string, Tally>> OutstandingByBankAsync(CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(cancellation);
        // Counted by triggers as instructions and outcomes commit (migration 11): a few rows per bank, not a scan of the outbox.
        await using var command = SqlCommands.Create(connection,
            "SELECT bank_id, SUM(CASE side WHEN 'issued' THEN instructions ELSE -instructions END), " +
            "SUM(CASE side WHEN 'issued' THEN amount ELSE -amount END) FROM floorpay_bank_instruction_counts GROUP BY bank_id");
        var outstanding = new Dictionary<string, Tally>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            outstanding[reader.GetString(0)] = new Tally(Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)));
        return outstanding;
    }

    private Task<DbConnection> OpenAsync(CancellationToken cancellation) => _storage.OpenAsync(cancellation);
}
