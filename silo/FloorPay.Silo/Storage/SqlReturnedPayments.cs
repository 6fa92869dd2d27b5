namespace FloorPay.Silo.Storage;

/// <summary>The re-issue rule in one query, for the citizen grain and the sweep; plain SQL that both stores run.</summary>
public sealed class SqlReturnedPayments(StorageSettings storage) : IReturnedPayments
{
    // The re-issue rule (see IReturnedPayments.ReissuesDueAsync). "In effect" is the latest change, by request order,
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
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = citizenId is null
            ? SqlCommands.Create(connection, string.Format(ReissuesDueSql, ""), ("now", now.UtcTicks), ("after", afterCitizenId), ("n", limit))
            : SqlCommands.Create(connection, string.Format(ReissuesDueSql, "AND o.citizen_id = @c"),
                ("now", now.UtcTicks), ("after", afterCitizenId), ("n", limit), ("c", citizenId));
        var due = new List<DueReissue>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) due.Add(new DueReissue(reader.GetString(0), reader.GetString(1)));
        return due;
    }
}
