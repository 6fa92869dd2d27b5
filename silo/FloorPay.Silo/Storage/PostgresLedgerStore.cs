using Npgsql;
using NpgsqlTypes;

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
            SELECT * FROM unnest(@payout_id, @citizen_id, @kind, @slot, @period, @amount, @currency, @reason_code, @region_id,
                                 @bank_id, @account_token, @idempotency_key, @fingerprint, @enrollment, @paid_at_ticks, @bucket)
                AS t({LedgerColumns.Insert})
        ), keys_in AS (
            SELECT * FROM unnest(@k_entry_id, @k_scope, @k_key, @k_fingerprint, @k_recorded_at_ticks)
                AS k(entry_id, scope, idempotency_key, fingerprint, recorded_at_ticks)
        ), inserted AS (
            INSERT INTO floorpay_payouts ({LedgerColumns.Insert})
            SELECT {string.Join(", ", LedgerColumns.Insert.Split(", ").Select(c => "input." + c))} FROM input, sealed
            WHERE (NOT input.enrollment OR input.paid_at_ticks >= sealed.cutoff)
              {(keys ? """
              AND NOT EXISTS (SELECT 1 FROM keys_in k JOIN floorpay_idempotency_keys x ON x.scope = k.scope AND x.idempotency_key = k.idempotency_key
                              WHERE k.entry_id = input.payout_id)
              """ : "")}
            ON CONFLICT DO NOTHING
            RETURNING payout_id, citizen_id, kind, period, amount, currency, reason_code, bank_id, account_token, paid_at_ticks
        ), wanted AS (
            SELECT k.scope, k.idempotency_key, i.citizen_id, k.entry_id, k.fingerprint, k.recorded_at_ticks
            FROM inserted i JOIN keys_in k ON k.entry_id = i.payout_id
        ), keyed AS (
            {(keys ? $"""
            INSERT INTO floorpay_idempotency_keys ({CivicColumns.Key})
            SELECT * FROM wanted ORDER BY scope, idempotency_key
            ON CONFLICT DO NOTHING
            RETURNING scope, idempotency_key
            """ : "SELECT NULL::text AS scope, NULL::text AS idempotency_key WHERE false")}
        ), legs AS (
            INSERT INTO floorpay_journal (posting_id, leg, account, amount)
            SELECT payout_id, 1, 'fund:' || @fund_id, -amount FROM inserted
            UNION ALL
            SELECT payout_id, 2, 'payable:' || citizen_id, amount FROM inserted
        ), explicit AS (
            SELECT * FROM unnest(@i_instruction_id, @i_bank_id, @i_kind, @i_payout_id, @i_citizen_id, @i_account_token, @i_amount,
                                 @i_currency, @i_period, @i_reason_code, @i_reissue_of, @i_issued_at_ticks)
                AS e(instruction_id, bank_id, kind, payout_id, citizen_id, account_token, amount, currency, period, reason_code, reissue_of, issued_at_ticks)
            WHERE NOT EXISTS (SELECT 1 FROM floorpay_instructions x WHERE x.instruction_id = e.instruction_id OR x.reissue_of = e.reissue_of)
        ), fresh AS (
            SELECT payout_id::text AS instruction_id, bank_id::text, kind::text, payout_id::text, citizen_id::text, account_token::text, amount,
                   currency::text, period::text, reason_code::text, NULL::text AS reissue_of, paid_at_ticks AS issued_at_ticks
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
            INSERT INTO floorpay_instructions ({RailColumns.Instruction})
            SELECT f.instruction_id, f.bank_id, q.last_sequence - c.n + row_number() OVER (PARTITION BY f.bank_id ORDER BY f.instruction_id),
                   f.kind, f.payout_id, f.citizen_id, f.account_token, f.amount, f.currency, f.period, f.reason_code, f.reissue_of, f.issued_at_ticks
            FROM fresh f JOIN counts c ON c.bank_id = f.bank_id JOIN numbered q ON q.bank_id = f.bank_id
            RETURNING instruction_id, bank_id
        )
        SELECT payout_id::text, NULL::text FROM inserted
        UNION ALL
        SELECT instruction_id::text, bank_id::text FROM issued
        UNION ALL
        SELECT 'key/' || scope || '/' || idempotency_key, NULL::text FROM keyed
        UNION ALL
        SELECT 'stale/' || input.payout_id, NULL::text FROM input, sealed WHERE input.enrollment AND input.paid_at_ticks < sealed.cutoff
        {(keys ? """
        UNION ALL
        SELECT floorpay_abort('a payout would commit without its idempotency key'), NULL::text
        WHERE (SELECT count(*) FROM keyed) <> (SELECT count(*) FROM wanted)
        """ : "")};
        """;

    private const string OutcomesSql = $"""
        INSERT INTO floorpay_instruction_outcomes ({RailColumns.Outcomes})
        SELECT * FROM unnest(@instruction_id, @bank_id, @citizen_id, @outcome, @reason, @amount, @recorded_at_ticks)
        ON CONFLICT DO NOTHING
        RETURNING 'outcome/' || instruction_id;
        """;

    private const string AccountChangesSql = $"""
        INSERT INTO floorpay_account_changes ({RailColumns.AccountChange})
        SELECT * FROM unnest(@change_id, @citizen_id, @bank_id, @account_token, @previous_bank_id, @previous_account_token, @requested_by,
                             @requested_at_ticks, @effective_at_ticks, @idempotency_key, @fingerprint)
        ON CONFLICT DO NOTHING
        RETURNING change_id;
        """;

    private const string ContributionsSql = $"""
        INSERT INTO floorpay_contributions ({CivicColumns.Contribution})
        SELECT * FROM unnest(@contribution_id, @citizen_id, @category, @minutes, @period, @platform_id, @reason_code, @idempotency_key,
                             @fingerprint, @recorded_at_ticks)
        ON CONFLICT DO NOTHING
        RETURNING contribution_id;
        """;

    private const string ExemptionsSql = $"""
        INSERT INTO floorpay_exemptions ({CivicColumns.Exemption})
        SELECT * FROM unnest(@exemption_id, @citizen_id, @category, @evidence_reference, @granted_at_ticks, @expires_at_ticks, @reviewer_id,
                             @reason_code, @idempotency_key, @fingerprint)
        ON CONFLICT DO NOTHING
        RETURNING exemption_id;
        """;

    private const string AppealsSql = $"""
        INSERT INTO floorpay_appeals ({CivicColumns.Appeal})
        SELECT * FROM unnest(@appeal_id, @citizen_id, @decision_id, @ground, @evidence_reference, @filed_by, @filed_at_ticks,
                             @idempotency_key, @fingerprint)
        ON CONFLICT DO NOTHING
        RETURNING appeal_id;
        """;

    private const string ResolutionsSql = $"""
        INSERT INTO floorpay_appeal_resolutions ({CivicColumns.Resolution})
        SELECT * FROM unnest(@appeal_id, @citizen_id, @outcome, @reason, @corrective_amount, @reviewer_id, @resolved_at_ticks,
                             @reason_code, @idempotency_key, @fingerprint, @correction_limit)
        ON CONFLICT DO NOTHING
        RETURNING 'resolution/' || appeal_id;
        """;

    private const string ReleasesSql = $"""
        INSERT INTO floorpay_account_releases ({RailColumns.Release})
        SELECT * FROM unnest(@release_id, @citizen_id, @from_bank_id, @to_bank_id, @released_at_ticks, @expires_at_ticks, @idempotency_key, @fingerprint)
        ON CONFLICT DO NOTHING
        RETURNING release_id;
        """;

    private const string KeysSql = $"""
        INSERT INTO floorpay_idempotency_keys ({CivicColumns.Key})
        SELECT * FROM unnest(@scope, @idempotency_key, @citizen_id, @entry_id, @fingerprint, @recorded_at_ticks)
        ON CONFLICT DO NOTHING
        RETURNING 'key/' || scope || '/' || idempotency_key;
        """;

    private const string ApprovalsSql = $"""
        INSERT INTO floorpay_correction_approvals ({CivicColumns.Approval})
        SELECT * FROM unnest(@appeal_id, @citizen_id, @reviewer_id, @approved_at_ticks, @idempotency_key, @fingerprint)
        ON CONFLICT DO NOTHING
        RETURNING 'approval/' || appeal_id;
        """;

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
        var payouts = entries.OfType<PayoutPosting>().OrderBy(p => p.PayoutId, StringComparer.Ordinal).ToList();
        var instructions = entries.OfType<InstructionEntry>().OrderBy(i => i.InstructionId, StringComparer.Ordinal).ToList();
        var payoutIds = payouts.Select(p => p.PayoutId).ToHashSet(StringComparer.Ordinal);
        // A payout's key goes in with it, in its statement; other records' keys in a statement of their own.
        var allKeys = entries.OfType<IdempotencyKeyEntry>().ToList();
        var payoutKeys = allKeys.Where(k => payoutIds.Contains(k.EntryId)).ToList();
        var keys = allKeys.Where(k => !payoutIds.Contains(k.EntryId)).OrderBy(x => x.Scope, StringComparer.Ordinal).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        // Take the payouts' write lock in a statement of its own, so the next statement's snapshot is taken after it: a
        // dividend seal committed before this batch could write is then seen, and one in progress is waited for.
        if (payouts.Any(p => p.Enrollment)) batch.BatchCommands.Add(new NpgsqlBatchCommand("LOCK TABLE floorpay_payouts IN ROW EXCLUSIVE MODE"));
        if (payouts.Count > 0 || instructions.Count > 0)
        {
            var c = new NpgsqlBatchCommand(PayoutsSqlVariants[(payouts.Any(p => p.Enrollment) ? 2 : 0) + (payoutKeys.Count > 0 ? 1 : 0)]);
            Text(c, "payout_id", payouts, p => p.PayoutId);
            Text(c, "citizen_id", payouts, p => p.CitizenId);
            Text(c, "kind", payouts, p => LedgerColumns.Kind(p.Kind));
            Text(c, "slot", payouts, p => p.Slot);
            Text(c, "period", payouts, p => p.Period);
            Array(c, "amount", NpgsqlDbType.Bigint, payouts.Select(p => p.Amount).ToArray());
            Text(c, "currency", payouts, p => p.Currency);
            Text(c, "reason_code", payouts, p => p.ReasonCode);
            Text(c, "region_id", payouts, p => p.RegionId);
            Text(c, "bank_id", payouts, p => p.BankId);
            Text(c, "account_token", payouts, p => p.AccountToken);
            Text(c, "idempotency_key", payouts, p => p.IdempotencyKey);
            Text(c, "fingerprint", payouts, p => p.Fingerprint);
            Array(c, "enrollment", NpgsqlDbType.Boolean, payouts.Select(p => p.Enrollment).ToArray());
            Array(c, "paid_at_ticks", NpgsqlDbType.Bigint, payouts.Select(p => p.PaidAt.UtcTicks).ToArray());
            Array(c, "bucket", NpgsqlDbType.Smallint, payouts.Select(p => (short)LedgerColumns.Bucket(p)).ToArray());
            c.Parameters.Add(new NpgsqlParameter("fund_id", NpgsqlDbType.Text) { Value = fundId });
            Text(c, "i_instruction_id", instructions, x => x.InstructionId);
            Text(c, "i_bank_id", instructions, x => x.BankId);
            Text(c, "i_kind", instructions, x => RailColumns.Kind(x.Kind));
            NullableText(c, "i_payout_id", instructions, x => x.PayoutId);
            Text(c, "i_citizen_id", instructions, x => x.CitizenId);
            Text(c, "i_account_token", instructions, x => x.AccountToken);
            Array(c, "i_amount", NpgsqlDbType.Bigint, instructions.Select(x => x.Amount).ToArray());
            Text(c, "i_currency", instructions, x => x.Currency);
            Text(c, "i_period", instructions, x => x.Period);
            Text(c, "i_reason_code", instructions, x => x.ReasonCode);
            NullableText(c, "i_reissue_of", instructions, x => x.ReissueOf);
            Array(c, "i_issued_at_ticks", NpgsqlDbType.Bigint, instructions.Select(x => x.IssuedAt.UtcTicks).ToArray());
            Text(c, "k_entry_id", payoutKeys, x => x.EntryId);
            Text(c, "k_scope", payoutKeys, x => x.Scope);
            Text(c, "k_key", payoutKeys, x => x.Key);
            Text(c, "k_fingerprint", payoutKeys, x => x.Fingerprint);
            Array(c, "k_recorded_at_ticks", NpgsqlDbType.Bigint, payoutKeys.Select(x => x.RecordedAt.UtcTicks).ToArray());
            batch.BatchCommands.Add(c);
        }
        var outcomes = entries.OfType<InstructionOutcomeEntry>().Select(x => x.Record).OrderBy(x => x.InstructionId, StringComparer.Ordinal).ToList();
        if (outcomes.Count > 0)
        {
            var c = new NpgsqlBatchCommand(OutcomesSql);
            Text(c, "instruction_id", outcomes, x => x.InstructionId);
            Text(c, "bank_id", outcomes, x => x.BankId);
            Text(c, "citizen_id", outcomes, x => x.CitizenId);
            Text(c, "outcome", outcomes, x => RailColumns.Outcome(x.Outcome));
            Text(c, "reason", outcomes, x => x.Reason);
            Array(c, "amount", NpgsqlDbType.Bigint, outcomes.Select(x => x.Amount).ToArray());
            Array(c, "recorded_at_ticks", NpgsqlDbType.Bigint, outcomes.Select(x => x.RecordedAt.UtcTicks).ToArray());
            batch.BatchCommands.Add(c);
        }
        var changes = entries.OfType<AccountChangeEntry>().OrderBy(x => x.ChangeId, StringComparer.Ordinal).ToList();
        if (changes.Count > 0)
        {
            var c = new NpgsqlBatchCommand(AccountChangesSql);
            Text(c, "change_id", changes, x => x.ChangeId);
            Text(c, "citizen_id", changes, x => x.CitizenId);
            Text(c, "bank_id", changes, x => x.BankId);
            Text(c, "account_token", changes, x => x.AccountToken);
            Text(c, "previous_bank_id", changes, x => x.PreviousBankId);
            Text(c, "previous_account_token", changes, x => x.PreviousAccountToken);
            Text(c, "requested_by", changes, x => x.RequestedBy);
            Array(c, "requested_at_ticks", NpgsqlDbType.Bigint, changes.Select(x => x.RequestedAt.UtcTicks).ToArray());
            Array(c, "effective_at_ticks", NpgsqlDbType.Bigint, changes.Select(x => x.EffectiveAt.UtcTicks).ToArray());
            Text(c, "idempotency_key", changes, x => x.IdempotencyKey);
            Text(c, "fingerprint", changes, x => x.Fingerprint);
            batch.BatchCommands.Add(c);
        }
        var contributions = entries.OfType<ContributionEntry>().OrderBy(x => x.ContributionId, StringComparer.Ordinal).ToList();
        if (contributions.Count > 0)
        {
            var c = new NpgsqlBatchCommand(ContributionsSql);
            Text(c, "contribution_id", contributions, x => x.ContributionId);
            Text(c, "citizen_id", contributions, x => x.CitizenId);
            Text(c, "category", contributions, x => x.Category);
            Array(c, "minutes", NpgsqlDbType.Integer, contributions.Select(x => x.Minutes).ToArray());
            Text(c, "period", contributions, x => x.Period);
            Text(c, "platform_id", contributions, x => x.PlatformId);
            Text(c, "reason_code", contributions, x => x.ReasonCode);
            Text(c, "idempotency_key", contributions, x => x.IdempotencyKey);
            Text(c, "fingerprint", contributions, x => x.Fingerprint);
            Array(c, "recorded_at_ticks", NpgsqlDbType.Bigint, contributions.Select(x => x.RecordedAt.UtcTicks).ToArray());
            batch.BatchCommands.Add(c);
        }
        var exemptions = entries.OfType<ExemptionEntry>().OrderBy(x => x.ExemptionId, StringComparer.Ordinal).ToList();
        if (exemptions.Count > 0)
        {
            var c = new NpgsqlBatchCommand(ExemptionsSql);
            Text(c, "exemption_id", exemptions, x => x.ExemptionId);
            Text(c, "citizen_id", exemptions, x => x.CitizenId);
            Text(c, "category", exemptions, x => x.Category);
            Text(c, "evidence_reference", exemptions, x => x.EvidenceReference);
            Array(c, "granted_at_ticks", NpgsqlDbType.Bigint, exemptions.Select(x => x.GrantedAt.UtcTicks).ToArray());
            Array(c, "expires_at_ticks", NpgsqlDbType.Bigint, exemptions.Select(x => x.ExpiresAt.UtcTicks).ToArray());
            Text(c, "reviewer_id", exemptions, x => x.ReviewerId);
            Text(c, "reason_code", exemptions, x => x.ReasonCode);
            Text(c, "idempotency_key", exemptions, x => x.IdempotencyKey);
            Text(c, "fingerprint", exemptions, x => x.Fingerprint);
            batch.BatchCommands.Add(c);
        }

        var appeals = entries.OfType<AppealEntry>().OrderBy(x => x.AppealId, StringComparer.Ordinal).ToList();
        if (appeals.Count > 0)
        {
            var c = new NpgsqlBatchCommand(AppealsSql);
            Text(c, "appeal_id", appeals, x => x.AppealId);
            Text(c, "citizen_id", appeals, x => x.CitizenId);
            Text(c, "decision_id", appeals, x => x.DecisionId);
            Text(c, "ground", appeals, x => x.Ground);
            c.Parameters.Add(new NpgsqlParameter("evidence_reference", NpgsqlDbType.Array | NpgsqlDbType.Text)
                { Value = appeals.Select(x => (object?)x.EvidenceReference ?? DBNull.Value).ToArray() });
            Text(c, "filed_by", appeals, x => x.FiledBy);
            Array(c, "filed_at_ticks", NpgsqlDbType.Bigint, appeals.Select(x => x.FiledAt.UtcTicks).ToArray());
            Text(c, "idempotency_key", appeals, x => x.IdempotencyKey);
            Text(c, "fingerprint", appeals, x => x.Fingerprint);
            batch.BatchCommands.Add(c);
        }
        var resolutions = entries.OfType<AppealResolutionEntry>().OrderBy(x => x.AppealId, StringComparer.Ordinal).ToList();
        if (resolutions.Count > 0)
        {
            var c = new NpgsqlBatchCommand(ResolutionsSql);
            Text(c, "appeal_id", resolutions, x => x.AppealId);
            Text(c, "citizen_id", resolutions, x => x.CitizenId);
            Text(c, "outcome", resolutions, x => CivicColumns.Outcome(x.Outcome));
            Text(c, "reason", resolutions, x => x.Reason);
            Array(c, "corrective_amount", NpgsqlDbType.Bigint, resolutions.Select(x => x.CorrectiveAmount).ToArray());
            Text(c, "reviewer_id", resolutions, x => x.ReviewerId);
            Array(c, "resolved_at_ticks", NpgsqlDbType.Bigint, resolutions.Select(x => x.ResolvedAt.UtcTicks).ToArray());
            Text(c, "reason_code", resolutions, x => x.ReasonCode);
            Text(c, "idempotency_key", resolutions, x => x.IdempotencyKey);
            Text(c, "fingerprint", resolutions, x => x.Fingerprint);
            c.Parameters.Add(new NpgsqlParameter("correction_limit", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
                { Value = resolutions.Select(x => (object?)x.CorrectionLimit ?? DBNull.Value).ToArray() });
            batch.BatchCommands.Add(c);
        }
        var releases = entries.OfType<AccountReleaseEntry>().OrderBy(x => x.ReleaseId, StringComparer.Ordinal).ToList();
        if (releases.Count > 0)
        {
            var c = new NpgsqlBatchCommand(ReleasesSql);
            Text(c, "release_id", releases, x => x.ReleaseId);
            Text(c, "citizen_id", releases, x => x.CitizenId);
            Text(c, "from_bank_id", releases, x => x.FromBankId);
            Text(c, "to_bank_id", releases, x => x.ToBankId);
            Array(c, "released_at_ticks", NpgsqlDbType.Bigint, releases.Select(x => x.ReleasedAt.UtcTicks).ToArray());
            Array(c, "expires_at_ticks", NpgsqlDbType.Bigint, releases.Select(x => x.ExpiresAt.UtcTicks).ToArray());
            Text(c, "idempotency_key", releases, x => x.IdempotencyKey);
            Text(c, "fingerprint", releases, x => x.Fingerprint);
            batch.BatchCommands.Add(c);
        }
        if (keys.Count > 0)
        {
            var c = new NpgsqlBatchCommand(KeysSql);
            Text(c, "scope", keys, x => x.Scope);
            Text(c, "idempotency_key", keys, x => x.Key);
            Text(c, "citizen_id", keys, x => x.CitizenId);
            Text(c, "entry_id", keys, x => x.EntryId);
            Text(c, "fingerprint", keys, x => x.Fingerprint);
            Array(c, "recorded_at_ticks", NpgsqlDbType.Bigint, keys.Select(x => x.RecordedAt.UtcTicks).ToArray());
            batch.BatchCommands.Add(c);
        }
        var approvals = entries.OfType<CorrectionApprovalEntry>().OrderBy(x => x.AppealId, StringComparer.Ordinal).ToList();
        if (approvals.Count > 0)
        {
            var c = new NpgsqlBatchCommand(ApprovalsSql);
            Text(c, "appeal_id", approvals, x => x.AppealId);
            Text(c, "citizen_id", approvals, x => x.CitizenId);
            Text(c, "reviewer_id", approvals, x => x.ReviewerId);
            Array(c, "approved_at_ticks", NpgsqlDbType.Bigint, approvals.Select(x => x.ApprovedAt.UtcTicks).ToArray());
            Text(c, "idempotency_key", approvals, x => x.IdempotencyKey);
            Text(c, "fingerprint", approvals, x => x.Fingerprint);
            batch.BatchCommands.Add(c);
        }

        if (tx is null) batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        var banks = new HashSet<string>(StringComparer.Ordinal);
        var stale = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellation);
            do
            {
                while (await reader.ReadAsync(cancellation))
                {
                    var id = reader.GetString(0);
                    if (id.StartsWith("stale/", StringComparison.Ordinal)) stale.Add(id["stale/".Length..]);
                    else inserted.Add(id);
                    if (reader.FieldCount > 1 && !reader.IsDBNull(1)) banks.Add(reader.GetString(1));
                }
            }
            while (await reader.NextResultAsync(cancellation));
        }
        catch when (tx is null)
        {
            await RollBackQuietlyAsync(connection);
            throw;
        }
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
    private static readonly string[] HistorySql =
    [
        $"SELECT {LedgerColumns.Select} FROM floorpay_payouts WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, paid_at_ticks, payout_id",
        $"SELECT {CivicColumns.Contribution} FROM floorpay_contributions WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, recorded_at_ticks, contribution_id",
        $"SELECT {CivicColumns.Exemption} FROM floorpay_exemptions WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, granted_at_ticks, exemption_id",
        $"SELECT {CivicColumns.Appeal} FROM floorpay_appeals WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, filed_at_ticks, appeal_id",
        $"SELECT {CivicColumns.Resolution} FROM floorpay_appeal_resolutions WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, resolved_at_ticks, appeal_id",
        $"SELECT {RailColumns.Instruction} FROM floorpay_instructions WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, issued_at_ticks, instruction_id",
        $"SELECT {RailColumns.Outcomes} FROM floorpay_instruction_outcomes WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, recorded_at_ticks, instruction_id",
        $"SELECT {RailColumns.AccountChange} FROM floorpay_account_changes WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, requested_at_ticks, change_id",
        $"SELECT {CivicColumns.Approval} FROM floorpay_correction_approvals WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, approved_at_ticks, appeal_id",
        $"SELECT {RailColumns.Release} FROM floorpay_account_releases WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, released_at_ticks, release_id",
        $"SELECT {CivicColumns.Key} FROM floorpay_idempotency_keys WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, recorded_at_ticks, entry_id",
    ];

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
            c.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
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
        var payouts = new List<PayoutPosting>();
        var contributions = new List<ContributionEntry>();
        var exemptions = new List<ExemptionEntry>();
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        // (BEGIN and COMMIT return no rows: the reader has no result set for them.)
        while (await reader.ReadAsync(cancellation)) payouts.Add(LedgerColumns.Read(reader));
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) contributions.Add(CivicColumns.ReadContribution(reader));
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) exemptions.Add(CivicColumns.ReadExemption(reader));
        var appeals = new List<AppealEntry>();
        var resolutions = new List<AppealResolutionEntry>();
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) appeals.Add(CivicColumns.ReadAppeal(reader));
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) resolutions.Add(CivicColumns.ReadResolution(reader));
        var instructions = new List<PayoutInstruction>();
        var outcomes = new List<InstructionOutcomeRecord>();
        var changes = new List<AccountChangeEntry>();
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) instructions.Add(RailColumns.ReadInstruction(reader));
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) outcomes.Add(RailColumns.ReadOutcome(reader));
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) changes.Add(RailColumns.ReadAccountChange(reader));
        var approvals = new List<CorrectionApprovalEntry>();
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) approvals.Add(CivicColumns.ReadApproval(reader));
        var releases = new List<AccountReleaseEntry>();
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) releases.Add(RailColumns.ReadRelease(reader));
        var keys = new List<IdempotencyKeyEntry>();
        await reader.NextResultAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) keys.Add(CivicColumns.ReadKey(reader));
        while (await reader.NextResultAsync(cancellation)) { } // through COMMIT
        return CitizenHistories.Group(ids, payouts, contributions, exemptions, appeals, resolutions, instructions, outcomes, changes, approvals, releases, keys);
    }

    private static void Text<T>(NpgsqlBatchCommand c, string name, List<T> rows, Func<T, string> value) =>
        c.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(value).ToArray() });

    private static void NullableText<T>(NpgsqlBatchCommand c, string name, List<T> rows, Func<T, string?> value) =>
        c.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => (object?)value(r) ?? DBNull.Value).ToArray() });

    private static void Array(NpgsqlBatchCommand c, string name, NpgsqlDbType type, System.Array values) =>
        c.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values });
}
