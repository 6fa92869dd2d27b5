using System.Collections.Concurrent;
using System.Data.Common;
using FloorPay.Grains;

namespace FloorPay.Silo.Storage;

/// <summary>The instruction outbox over the ledger tables; plain SQL that both SQLite and PostgreSQL run.</summary>
public sealed class SqlInstructionOutbox : IInstructionOutbox
{
    private readonly StorageSettings _storage;
    private readonly GroupCommitLedger _ledger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);
    private long _lists;

    /// <summary>How many times a bank's instructions were listed (streams and pages): shows what idle streams cost.</summary>
    public long Lists => Interlocked.Read(ref _lists);

    public SqlInstructionOutbox(StorageSettings storage, GroupCommitLedger ledger, TimeProvider time)
    {
        _storage = storage;
        _ledger = ledger;
        _time = time;
        ledger.InstructionsCommitted += banks =>
        {
            foreach (var bank in banks)
                if (_next.TryRemove(bank, out var waiting)) waiting.TrySetResult();
        };
    }

    public Task NextCommit(string bankId) =>
        _next.GetOrAdd(bankId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async Task<IReadOnlyDictionary<string, long>> LatestSequencesAsync(CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection, "SELECT bank_id, last_sequence FROM floorpay_bank_sequences");
        var latest = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) latest[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1));
        return latest;
    }

    public async Task<IReadOnlyList<PayoutInstruction>> ListAsync(string bankId, long afterSequence, int limit, CancellationToken cancellation = default)
    {
        Interlocked.Increment(ref _lists);
        await using var connection = await OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            $"SELECT {RailColumns.Instruction} FROM floorpay_instructions WHERE bank_id = @b AND sequence > @after ORDER BY sequence LIMIT @n",
            ("b", bankId), ("after", afterSequence), ("n", limit));
        var rows = new List<PayoutInstruction>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) rows.Add(RailColumns.ReadInstruction(reader));
        return rows;
    }

    public async Task<IReadOnlyDictionary<string, (PayoutInstruction Instruction, InstructionOutcomeRecord? Outcome)>> FindAsync(
        IReadOnlyCollection<string> instructionIds, CancellationToken cancellation = default)
    {
        var found = new Dictionary<string, (PayoutInstruction, InstructionOutcomeRecord?)>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(cancellation);
        var columns = string.Join(", ", RailColumns.Instruction.Split(", ").Select(c => "i." + c)) + ", " +
                      string.Join(", ", RailColumns.Outcomes.Split(", ").Select(c => "o." + c));
        foreach (var chunk in instructionIds.Distinct().Chunk(500))
        {
            var names = chunk.Select((id, i) => ($"p{i}", (object)id)).ToArray();
            await using var command = SqlCommands.Create(connection,
                $"SELECT {columns} FROM floorpay_instructions i LEFT JOIN floorpay_instruction_outcomes o ON o.instruction_id = i.instruction_id " +
                $"WHERE i.instruction_id IN ({string.Join(",", names.Select(n => "@" + n.Item1))})", names);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var instruction = RailColumns.ReadInstruction(reader);
                var outcome = reader.IsDBNull(13) ? null : RailColumns.ReadOutcome(reader, 13);
                found[instruction.InstructionId] = (instruction, outcome);
            }
        }
        return found;
    }

    public async Task<IReadOnlyList<string>> SettleAsync(IReadOnlyList<PayoutInstruction> instructions, CancellationToken cancellation = default)
    {
        var now = _time.GetUtcNow();
        var results = await Task.WhenAll(instructions.Select(async i =>
            (i.InstructionId, Result: await _ledger.RecordAsync(new InstructionOutcomeEntry(
                new InstructionOutcomeRecord(i.InstructionId, i.BankId, i.CitizenId, InstructionOutcome.Settled, "settled", i.Amount, now))))));
        return results.Where(r => r.Result == PostingResult.Committed).Select(r => r.InstructionId).ToList();
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

    // The re-issue rule (see IInstructionOutbox.ReissuesDueAsync). "In effect" is the latest change, by request order,
    // whose cooling-off has passed; a superseded change (A, then B, then A again) never counts.
    private const string ReissuesDueSql =
        "SELECT o.citizen_id, o.instruction_id FROM floorpay_instruction_outcomes o JOIN floorpay_instructions i ON i.instruction_id = o.instruction_id " +
        "WHERE o.outcome = 'returned' AND o.citizen_id > @after {0} " +
        "AND NOT EXISTS (SELECT 1 FROM floorpay_instructions r WHERE r.reissue_of = o.instruction_id) " +
        "AND (EXISTS (SELECT 1 FROM floorpay_account_changes c WHERE c.citizen_id = o.citizen_id AND c.requested_at_ticks >= o.recorded_at_ticks " +
        "             AND c.effective_at_ticks <= @now) " +
        "  OR EXISTS (SELECT 1 FROM floorpay_account_changes e WHERE e.citizen_id = o.citizen_id AND e.effective_at_ticks <= @now " +
        "             AND (e.bank_id <> i.bank_id OR e.account_token <> i.account_token) " +
        "             AND NOT EXISTS (SELECT 1 FROM floorpay_account_changes l WHERE l.citizen_id = e.citizen_id AND l.effective_at_ticks <= @now " +
        "                             AND (l.requested_at_ticks > e.requested_at_ticks OR (l.requested_at_ticks = e.requested_at_ticks AND l.change_id > e.change_id)))) " +
        "  OR (NOT EXISTS (SELECT 1 FROM floorpay_account_changes n WHERE n.citizen_id = o.citizen_id AND n.effective_at_ticks <= @now) " +
        "      AND EXISTS (SELECT 1 FROM floorpay_payouts p WHERE p.citizen_id = o.citizen_id AND p.enrollment " +
        "                  AND (p.bank_id <> i.bank_id OR p.account_token <> i.account_token)))) " +
        "ORDER BY o.citizen_id, o.instruction_id LIMIT @n";

    public async Task<IReadOnlyList<DueReissue>> ReissuesDueAsync(DateTimeOffset now, string afterCitizenId, int limit, string? citizenId = null,
        CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = citizenId is null
            ? SqlCommands.Create(connection, string.Format(ReissuesDueSql, ""), ("now", now.UtcTicks), ("after", afterCitizenId), ("n", limit))
            : SqlCommands.Create(connection, string.Format(ReissuesDueSql, "AND o.citizen_id = @c"),
                ("now", now.UtcTicks), ("after", afterCitizenId), ("n", limit), ("c", citizenId));
        var due = new List<DueReissue>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) due.Add(new DueReissue(reader.GetString(0), reader.GetString(1)));
        return due;
    }

    public async Task<FraudFlag?> FindFraudFlagAsync(string bankId, string accountToken, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            $"SELECT {RailColumns.FraudFlag} FROM floorpay_fraud_flags WHERE bank_id = @b AND account_token = @t", ("b", bankId), ("t", accountToken));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? RailColumns.ReadFraudFlag(reader) : null;
    }

    public async Task<IReadOnlyList<FraudFlag>> ListFraudFlagsAsync(int limit, CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            $"SELECT {RailColumns.FraudFlag} FROM floorpay_fraud_flags ORDER BY raised_at_ticks DESC, bank_id, account_token LIMIT @n", ("n", limit));
        var flags = new List<FraudFlag>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) flags.Add(RailColumns.ReadFraudFlag(reader));
        return flags;
    }

    private Task<DbConnection> OpenAsync(CancellationToken cancellation) => new SchemaMigrator(_storage).OpenAsync(cancellation);
}
