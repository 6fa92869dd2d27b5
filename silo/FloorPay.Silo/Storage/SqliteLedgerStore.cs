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

        var payouts = entries.OfType<PayoutPosting>().OrderBy(p => p.PayoutId, StringComparer.Ordinal).ToList();
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
            var added = await InsertRowsAsync(connection, tx, "floorpay_payouts", LedgerColumns.Insert, "payout_id", payouts, p =>
                [p.PayoutId, p.CitizenId, LedgerColumns.Kind(p.Kind), p.Slot, p.Period, p.Amount, p.Currency, p.ReasonCode, p.RegionId,
                 p.BankId, p.AccountToken, p.IdempotencyKey, p.Fingerprint, p.Enrollment ? 1 : 0, p.PaidAt.UtcTicks, LedgerColumns.Bucket(p)], cancellation);
            var legs = payouts.Where(p => added.Contains(p.PayoutId))
                .SelectMany(p => LedgerColumns.Legs(fundId, p).Select((leg, i) => (p.PayoutId, Leg: i + 1, leg.Account, leg.Amount)))
                .ToList();
            if (legs.Count > 0)
                await InsertRowsAsync(connection, tx, "floorpay_journal", "posting_id, leg, account, amount", null, legs,
                    l => [l.PayoutId, l.Leg, l.Account, l.Amount], cancellation);
            inserted.UnionWith(added);
        }
        // The outbox: an instruction for every payout inserted, plus explicit ones not yet recorded, numbered per bank.
        // SQLite has one writer, so reading the bank's last sequence inside this transaction cannot race.
        var fresh = payouts.Where(p => inserted.Contains(p.PayoutId)).Select(p => p.Instruction()).ToList();
        foreach (var i in entries.OfType<InstructionEntry>())
            if (!await InstructionExistsAsync(connection, tx, i, cancellation)) fresh.Add(i);
        var banks = new HashSet<string>(StringComparer.Ordinal);
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
                banks.Add(group.Key);
            }
            await InsertRowsAsync(connection, tx, "floorpay_instructions", RailColumns.Instruction, null, rows, r =>
                [r.Entry.InstructionId, r.Entry.BankId, r.Sequence, RailColumns.Kind(r.Entry.Kind), r.Entry.PayoutId, r.Entry.CitizenId,
                 r.Entry.AccountToken, r.Entry.Amount, r.Entry.Currency, r.Entry.Period, r.Entry.ReasonCode, r.Entry.ReissueOf,
                 r.Entry.IssuedAt.UtcTicks], cancellation);
            inserted.UnionWith(rows.Select(r => r.Entry.InstructionId));
        }
        var outcomes = entries.OfType<InstructionOutcomeEntry>().Select(x => x.Record).ToList();
        if (outcomes.Count > 0)
            inserted.UnionWith((await InsertRowsAsync(connection, tx, "floorpay_instruction_outcomes", RailColumns.Outcomes, "instruction_id", outcomes, o =>
                [o.InstructionId, o.BankId, o.CitizenId, RailColumns.Outcome(o.Outcome), o.Reason, o.Amount, o.RecordedAt.UtcTicks], cancellation))
                .Select(id => $"outcome/{id}"));
        var changes = entries.OfType<AccountChangeEntry>().ToList();
        if (changes.Count > 0)
            inserted.UnionWith(await InsertRowsAsync(connection, tx, "floorpay_account_changes", RailColumns.AccountChange, "change_id", changes, c =>
                [c.ChangeId, c.CitizenId, c.BankId, c.AccountToken, c.PreviousBankId, c.PreviousAccountToken, c.RequestedBy, c.RequestedAt.UtcTicks,
                 c.EffectiveAt.UtcTicks, c.IdempotencyKey, c.Fingerprint], cancellation));
        var contributions = entries.OfType<ContributionEntry>().ToList();
        if (contributions.Count > 0)
            inserted.UnionWith(await InsertRowsAsync(connection, tx, "floorpay_contributions", CivicColumns.Contribution, "contribution_id", contributions, c =>
                [c.ContributionId, c.CitizenId, c.Category, c.Minutes, c.Period, c.PlatformId, c.ReasonCode, c.IdempotencyKey, c.Fingerprint,
                 c.RecordedAt.UtcTicks], cancellation));
        var exemptions = entries.OfType<ExemptionEntry>().ToList();
        if (exemptions.Count > 0)
            inserted.UnionWith(await InsertRowsAsync(connection, tx, "floorpay_exemptions", CivicColumns.Exemption, "exemption_id", exemptions, e =>
                [e.ExemptionId, e.CitizenId, e.Category, e.EvidenceReference, e.GrantedAt.UtcTicks, e.ExpiresAt.UtcTicks, e.ReviewerId,
                 e.ReasonCode, e.IdempotencyKey, e.Fingerprint], cancellation));

        var appeals = entries.OfType<AppealEntry>().ToList();
        if (appeals.Count > 0)
            inserted.UnionWith(await InsertRowsAsync(connection, tx, "floorpay_appeals", CivicColumns.Appeal, "appeal_id", appeals, a =>
                [a.AppealId, a.CitizenId, a.DecisionId, a.Ground, (object?)a.EvidenceReference ?? DBNull.Value, a.FiledBy, a.FiledAt.UtcTicks,
                 a.IdempotencyKey, a.Fingerprint], cancellation));
        var resolutions = entries.OfType<AppealResolutionEntry>().ToList();
        if (resolutions.Count > 0)
            inserted.UnionWith((await InsertRowsAsync(connection, tx, "floorpay_appeal_resolutions", CivicColumns.Resolution, "appeal_id", resolutions, r =>
                [r.AppealId, r.CitizenId, CivicColumns.Outcome(r.Outcome), r.Reason, r.CorrectiveAmount, r.ReviewerId, r.ResolvedAt.UtcTicks,
                 r.ReasonCode, r.IdempotencyKey, r.Fingerprint, r.CorrectionLimit], cancellation)).Select(id => $"resolution/{id}"));
        var releases = entries.OfType<AccountReleaseEntry>().ToList();
        if (releases.Count > 0)
            inserted.UnionWith(await InsertRowsAsync(connection, tx, "floorpay_account_releases", RailColumns.Release, "release_id", releases, r =>
                [r.ReleaseId, r.CitizenId, r.FromBankId, r.ToBankId, r.ReleasedAt.UtcTicks, r.ExpiresAt.UtcTicks, r.IdempotencyKey, r.Fingerprint],
                cancellation));
        var keys = entries.OfType<IdempotencyKeyEntry>().ToList();
        if (keys.Count > 0)
            inserted.UnionWith((await InsertRowsAsync(connection, tx, "floorpay_idempotency_keys", CivicColumns.Key, "scope || '/' || idempotency_key", keys, k =>
                [k.Scope, k.Key, k.CitizenId, k.EntryId, k.Fingerprint, k.RecordedAt.UtcTicks], cancellation)).Select(id => $"key/{id}"));
        var approvals = entries.OfType<CorrectionApprovalEntry>().ToList();
        if (approvals.Count > 0)
            inserted.UnionWith((await InsertRowsAsync(connection, tx, "floorpay_correction_approvals", CivicColumns.Approval, "appeal_id", approvals, a =>
                [a.AppealId, a.CitizenId, a.ReviewerId, a.ApprovedAt.UtcTicks, a.IdempotencyKey, a.Fingerprint], cancellation)).Select(id => $"approval/{id}"));

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
    /// Inserts the rows with one prepared single-row statement that skips a row conflicting with a unique key; returns
    /// the ids of the rows inserted. (One multi-row INSERT binds its thousands of named parameters in quadratic time.)
    /// </summary>
    private static async Task<HashSet<string>> InsertRowsAsync<T>(SqliteConnection connection, SqliteTransaction tx, string table, string columns,
        string? idColumn, IReadOnlyList<T> rows, Func<T, object?[]> values, CancellationToken cancellation)
    {
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        if (rows.Count == 0) return inserted;
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        var width = values(rows[0]).Length;
        var parameters = Enumerable.Range(0, width).Select(c => command.Parameters.Add(new SqliteParameter { ParameterName = $"@c{c}" })).ToArray();
        command.CommandText = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(',', parameters.Select(p => p.ParameterName))})" +
                              (idColumn is null ? ";" : $" ON CONFLICT DO NOTHING RETURNING {idColumn};");
        command.Prepare();
        foreach (var row in rows)
        {
            var v = values(row);
            for (var c = 0; c < width; c++) parameters[c].Value = v[c] ?? DBNull.Value;
            if (idColumn is null) await command.ExecuteNonQueryAsync(cancellation);
            else if (await command.ExecuteScalarAsync(cancellation) is string id) inserted.Add(id);
        }
        return inserted;
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
        async Task<List<T>> Read<T>(string columns, string table, string order, Func<Microsoft.Data.Sqlite.SqliteDataReader, T> read)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            var names = ids.Select((id, i) =>
            {
                command.Parameters.AddWithValue($"@c{i}", id);
                return $"@c{i}";
            }).ToList();
            command.CommandText = $"SELECT {columns} FROM {table} WHERE citizen_id IN ({string.Join(",", names)}) ORDER BY citizen_id, {order};";
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) rows.Add(read(reader));
            return rows;
        }
        var payouts = await Read(LedgerColumns.Select, "floorpay_payouts", "paid_at_ticks, payout_id", LedgerColumns.Read);
        var contributions = await Read(CivicColumns.Contribution, "floorpay_contributions", "recorded_at_ticks, contribution_id", CivicColumns.ReadContribution);
        var exemptions = await Read(CivicColumns.Exemption, "floorpay_exemptions", "granted_at_ticks, exemption_id", CivicColumns.ReadExemption);
        var appeals = await Read(CivicColumns.Appeal, "floorpay_appeals", "filed_at_ticks, appeal_id", CivicColumns.ReadAppeal);
        var resolutions = await Read(CivicColumns.Resolution, "floorpay_appeal_resolutions", "resolved_at_ticks, appeal_id", CivicColumns.ReadResolution);
        var instructions = await Read(RailColumns.Instruction, "floorpay_instructions", "issued_at_ticks, instruction_id", r => RailColumns.ReadInstruction(r));
        var outcomes = await Read(RailColumns.Outcomes, "floorpay_instruction_outcomes", "recorded_at_ticks, instruction_id", r => RailColumns.ReadOutcome(r));
        var changes = await Read(RailColumns.AccountChange, "floorpay_account_changes", "requested_at_ticks, change_id", RailColumns.ReadAccountChange);
        var approvals = await Read(CivicColumns.Approval, "floorpay_correction_approvals", "approved_at_ticks, appeal_id", CivicColumns.ReadApproval);
        var releases = await Read(RailColumns.Release, "floorpay_account_releases", "released_at_ticks, release_id", RailColumns.ReadRelease);
        var keys = await Read(CivicColumns.Key, "floorpay_idempotency_keys", "recorded_at_ticks, entry_id", CivicColumns.ReadKey);
        await tx.CommitAsync(cancellation);
        return CitizenHistories.Group(ids, payouts, contributions, exemptions, appeals, resolutions, instructions, outcomes, changes, approvals, releases, keys);
    }
}
