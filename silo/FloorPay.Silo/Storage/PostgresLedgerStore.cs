using FloorPay.Grains;
using Npgsql;
using NpgsqlTypes;

namespace FloorPay.Silo.Storage;

/// <summary>
/// PostgreSQL ledger. A batch is one round trip: per kind of entry one statement that unnests parameter arrays and
/// inserts what does not conflict (for payouts, with exactly their journal legs), sent as one NpgsqlBatch, which
/// PostgreSQL runs as a single implicit transaction: it commits whole or not at all.
/// </summary>
internal sealed class PostgresLedgerStore(NpgsqlDataSource dataSource, string fundId) : ILedgerStore
{
    private const string PayoutsSql = $"""
        WITH input AS (
            SELECT * FROM unnest(@payout_id, @citizen_id, @kind, @slot, @period, @amount, @currency, @reason_code, @region_id,
                                 @bank_id, @account_token, @idempotency_key, @fingerprint, @enrollment, @paid_at_ticks)
                AS t({LedgerColumns.Insert})
        ), inserted AS (
            INSERT INTO floorpay_payouts ({LedgerColumns.Insert})
            SELECT {LedgerColumns.Insert} FROM input
            ON CONFLICT DO NOTHING
            RETURNING payout_id, citizen_id, amount
        ), legs AS (
            INSERT INTO floorpay_journal (posting_id, leg, account, amount)
            SELECT payout_id, 1, 'fund:' || @fund_id, -amount FROM inserted
            UNION ALL
            SELECT payout_id, 2, 'payable:' || citizen_id, amount FROM inserted
        )
        SELECT payout_id FROM inserted;
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
                             @reason_code, @idempotency_key, @fingerprint)
        ON CONFLICT DO NOTHING
        RETURNING 'resolution:' || appeal_id;
        """;

    public async Task<HashSet<string>> InsertBatchAsync(IReadOnlyList<object> entries, CancellationToken cancellation)
    {
        await using var batch = dataSource.CreateBatch();
        var payouts = entries.OfType<PayoutPosting>().ToList();
        if (payouts.Count > 0)
        {
            var c = new NpgsqlBatchCommand(PayoutsSql);
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
            c.Parameters.Add(new NpgsqlParameter("fund_id", NpgsqlDbType.Text) { Value = fundId });
            batch.BatchCommands.Add(c);
        }
        var contributions = entries.OfType<ContributionEntry>().ToList();
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
        var exemptions = entries.OfType<ExemptionEntry>().ToList();
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

        var appeals = entries.OfType<AppealEntry>().ToList();
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
        var resolutions = entries.OfType<AppealResolutionEntry>().ToList();
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
            batch.BatchCommands.Add(c);
        }

        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        do
        {
            while (await reader.ReadAsync(cancellation)) inserted.Add(reader.GetString(0));
        }
        while (await reader.NextResultAsync(cancellation));
        return inserted;
    }

    public async Task<IReadOnlyDictionary<string, CitizenHistory>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation)
    {
        var ids = citizenIds.Distinct().ToArray();
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[]
        {
            $"SELECT {LedgerColumns.Select} FROM floorpay_payouts WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, paid_at_ticks, payout_id",
            $"SELECT {CivicColumns.Contribution} FROM floorpay_contributions WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, recorded_at_ticks, contribution_id",
            $"SELECT {CivicColumns.Exemption} FROM floorpay_exemptions WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, granted_at_ticks, exemption_id",
            $"SELECT {CivicColumns.Appeal} FROM floorpay_appeals WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, filed_at_ticks, appeal_id",
            $"SELECT {CivicColumns.Resolution} FROM floorpay_appeal_resolutions WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, resolved_at_ticks, appeal_id",
        })
        {
            var c = new NpgsqlBatchCommand(sql);
            c.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            batch.BatchCommands.Add(c);
        }
        var payouts = new List<PayoutPosting>();
        var contributions = new List<ContributionEntry>();
        var exemptions = new List<ExemptionEntry>();
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
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
        return CitizenHistories.Group(ids, payouts, contributions, exemptions, appeals, resolutions);
    }

    private static void Text<T>(NpgsqlBatchCommand c, string name, List<T> rows, Func<T, string> value) =>
        c.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(value).ToArray() });

    private static void Array(NpgsqlBatchCommand c, string name, NpgsqlDbType type, System.Array values) =>
        c.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values });
}
