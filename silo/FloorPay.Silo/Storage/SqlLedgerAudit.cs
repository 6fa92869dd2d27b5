namespace FloorPay.Silo.Storage;

/// <summary>The reconciliation queries over the ledger tables; plain SQL that both SQLite and PostgreSQL run.</summary>
public sealed class SqlLedgerAudit(StorageSettings storage) : ILedgerAudit
{
    public async Task<LedgerTotals> ReadTotalsAsync(CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        // One snapshot for all queries, so that the numbers describe the same moment.
        await using var tx = await connection.BeginTransactionAsync(
            storage.Provider == StorageProvider.PostgreSql ? System.Data.IsolationLevel.RepeatableRead : System.Data.IsolationLevel.Serializable, cancellation);

        async Task<long> Scalar(string sql)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation) ?? 0L);
        }

        var payouts = await Scalar("SELECT COUNT(*) FROM floorpay_payouts");
        var totalPaid = await Scalar("SELECT COALESCE(SUM(amount), 0) FROM floorpay_payouts");
        var journalSum = await Scalar("SELECT COALESCE(SUM(amount), 0) FROM floorpay_journal");
        var unbalanced = await Scalar(
            "SELECT COUNT(*) FROM (SELECT posting_id FROM floorpay_journal GROUP BY posting_id HAVING SUM(amount) <> 0 OR COUNT(*) <> 2) u");
        var withoutLegs = await Scalar(
            "SELECT COUNT(*) FROM floorpay_payouts p WHERE NOT EXISTS (SELECT 1 FROM floorpay_journal j WHERE j.posting_id = p.payout_id)");
        var legsWithout = await Scalar(
            "SELECT COUNT(DISTINCT posting_id) FROM floorpay_journal j WHERE NOT EXISTS (SELECT 1 FROM floorpay_payouts p WHERE p.payout_id = j.posting_id)");
        var mismatches = await Scalar(
            "SELECT COUNT(*) FROM floorpay_payouts p JOIN floorpay_journal j ON j.posting_id = p.payout_id AND j.leg = 2 WHERE j.amount <> p.amount");
        var duplicatePeriods = await Scalar(
            "SELECT COUNT(*) FROM (SELECT citizen_id, period FROM floorpay_payouts WHERE kind = 'floor' GROUP BY citizen_id, period HAVING COUNT(*) > 1) d");
        var duplicateEnrollments = await Scalar(
            "SELECT COUNT(*) FROM (SELECT citizen_id FROM floorpay_payouts WHERE enrollment GROUP BY citizen_id HAVING COUNT(*) > 1) d");

        var withoutInstruction = await Scalar(
            "SELECT COUNT(*) FROM floorpay_payouts p WHERE NOT EXISTS (SELECT 1 FROM floorpay_instructions i WHERE i.instruction_id = p.payout_id)");
        // Gap-free: each bank's sequences are exactly 1..count.
        var gaps = await Scalar(
            "SELECT COUNT(*) FROM (SELECT bank_id FROM floorpay_instructions GROUP BY bank_id HAVING MIN(sequence) <> 1 OR MAX(sequence) <> COUNT(*)) g");
        // The counters the outstanding metric reads, against a scan of the outbox: they must cancel out per bank.
        var outstandingMismatch = await Scalar(
            "SELECT COUNT(*) FROM (SELECT bank_id FROM (" +
            "SELECT i.bank_id, COUNT(*) AS n, SUM(i.amount) AS a FROM floorpay_instructions i WHERE i.kind <> 'notice' " +
            "AND NOT EXISTS (SELECT 1 FROM floorpay_instruction_outcomes o WHERE o.instruction_id = i.instruction_id) GROUP BY i.bank_id " +
            "UNION ALL " +
            "SELECT bank_id, SUM(CASE side WHEN 'issued' THEN -instructions ELSE instructions END), " +
            "SUM(CASE side WHEN 'issued' THEN -amount ELSE amount END) FROM floorpay_bank_instruction_counts GROUP BY bank_id" +
            ") x GROUP BY bank_id HAVING SUM(n) <> 0 OR SUM(a) <> 0) d");
        // Rule 9: every correction is the correction an upheld appeal ordered, by a reviewer who did not file it; above the
        // resolution's limit (unknown limits count as zero) only with a second reviewer who neither filed nor resolved it.
        var corrections = await Scalar(
            "SELECT COUNT(*) FROM floorpay_payouts p " +
            "LEFT JOIN floorpay_appeal_resolutions r ON r.appeal_id = p.citizen_id || ':appeal:' || p.slot AND r.citizen_id = p.citizen_id " +
            "LEFT JOIN floorpay_appeals f ON f.appeal_id = r.appeal_id " +
            "LEFT JOIN floorpay_correction_approvals a ON a.appeal_id = r.appeal_id " +
            "WHERE p.kind = 'correction' AND (r.appeal_id IS NULL OR f.appeal_id IS NULL OR r.outcome <> 'upheld' OR r.corrective_amount <> p.amount " +
            "OR r.reviewer_id = f.filed_by OR (p.amount > COALESCE(r.correction_limit, 0) AND " +
            "(a.appeal_id IS NULL OR a.reviewer_id = r.reviewer_id OR a.reviewer_id = f.filed_by)))");
        // A re-issue replaces a returned payment; re-issuing anything else, or settling one payout twice, pays it twice.
        var reissues = await Scalar(
            "SELECT COUNT(*) FROM floorpay_instructions i WHERE i.reissue_of IS NOT NULL AND NOT EXISTS " +
            "(SELECT 1 FROM floorpay_instruction_outcomes o WHERE o.instruction_id = i.reissue_of AND o.outcome = 'returned')");
        var settledTwice = await Scalar(
            "SELECT COUNT(*) FROM (SELECT i.payout_id FROM floorpay_instructions i JOIN floorpay_instruction_outcomes o " +
            "ON o.instruction_id = i.instruction_id AND o.outcome = 'settled' WHERE i.payout_id IS NOT NULL GROUP BY i.payout_id HAVING COUNT(*) > 1) t");
        async Task<Dictionary<string, RegionLedgerTotals>> PerRegion(string sql)
        {
            await using var command = SqlCommands.Create(connection, sql);
            command.Transaction = tx;
            return await SqlLedgerTallies.ReadPerRegionAsync(command, cancellation);
        }
        var counted = await PerRegion(
            "SELECT region_id, kind, period, COUNT(*), SUM(amount), SUM(CASE WHEN enrollment THEN 1 ELSE 0 END) " +
            "FROM floorpay_payouts GROUP BY region_id, kind, period");
        var tallies = await PerRegion(SqlLedgerTallies.TallySql(""));
        await tx.CommitAsync(cancellation);

        return new LedgerTotals(payouts, totalPaid, journalSum, unbalanced, withoutLegs, legsWithout, mismatches, duplicatePeriods,
            duplicateEnrollments, counted, withoutInstruction, gaps, tallies, outstandingMismatch, corrections, reissues, settledTwice);
    }

    public async Task<long> CountEnrollmentsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM floorpay_payouts WHERE enrollment AND paid_at_ticks < @cutoff";
        var p = command.CreateParameter();
        p.ParameterName = "cutoff";
        p.Value = cutoff.UtcTicks;
        command.Parameters.Add(p);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation) ?? 0L);
    }

    public async Task<IReadOnlyList<DividendClaimTotal>> ReadDividendClaimsAsync(CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            "SELECT d.citizen_id, MIN(e.paid_at_ticks), SUM(d.amount) FROM floorpay_payouts d " +
            "LEFT JOIN floorpay_payouts e ON e.citizen_id = d.citizen_id AND e.enrollment " +
            "WHERE d.kind = 'dividend' GROUP BY d.citizen_id");
        var totals = new List<DividendClaimTotal>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            totals.Add(new DividendClaimTotal(reader.GetString(0),
                reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero), reader.GetInt64(2)));
        return totals;
    }

    public async Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> payoutIds, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in payoutIds.Distinct().Chunk(500))
        {
            await using var command = connection.CreateCommand();
            var names = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var p = command.CreateParameter();
                p.ParameterName = $"p{i}";
                p.Value = chunk[i];
                command.Parameters.Add(p);
                names.Add($"@p{i}");
            }
            command.CommandText = $"SELECT payout_id FROM floorpay_payouts WHERE payout_id IN ({string.Join(",", names)})";
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) found.Add(reader.GetString(0));
        }
        return payoutIds.Where(id => !found.Contains(id)).Distinct().ToList();
    }
}
