using FloorPay.Grains;
using Npgsql;
using NpgsqlTypes;

namespace FloorPay.Silo.Storage;

/// <summary>
/// PostgreSQL ledger: a batch is one statement that unnests parameter arrays, inserts the payouts that do not conflict
/// and, for exactly those, their journal legs; a single implicit transaction, so a batch commits whole or not at all.
/// </summary>
internal sealed class PostgresLedgerStore(NpgsqlDataSource dataSource, string fundId) : ILedgerStore
{
    private const string InsertSql = $"""
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

    public async Task<HashSet<string>> InsertBatchAsync(IReadOnlyList<PayoutPosting> batch, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(InsertSql);
        void Text(string name, Func<PayoutPosting, string> f) =>
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(f).ToArray() });
        Text("payout_id", p => p.PayoutId);
        Text("citizen_id", p => p.CitizenId);
        Text("kind", p => LedgerColumns.Kind(p.Kind));
        Text("slot", p => p.Slot);
        Text("period", p => p.Period);
        command.Parameters.Add(new NpgsqlParameter("amount", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = batch.Select(p => p.Amount).ToArray() });
        Text("currency", p => p.Currency);
        Text("reason_code", p => p.ReasonCode);
        Text("region_id", p => p.RegionId);
        Text("bank_id", p => p.BankId);
        Text("account_token", p => p.AccountToken);
        Text("idempotency_key", p => p.IdempotencyKey);
        Text("fingerprint", p => p.Fingerprint);
        command.Parameters.Add(new NpgsqlParameter("enrollment", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { Value = batch.Select(p => p.Enrollment).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("paid_at_ticks", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = batch.Select(p => p.PaidAt.UtcTicks).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("fund_id", NpgsqlDbType.Text) { Value = fundId });

        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) inserted.Add(reader.GetString(0));
        return inserted;
    }

    public async Task<ILookup<string, PayoutPosting>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {LedgerColumns.Select} FROM floorpay_payouts WHERE citizen_id = ANY(@ids) ORDER BY citizen_id, paid_at_ticks, payout_id;");
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = citizenIds.ToArray() });
        var postings = new List<PayoutPosting>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) postings.Add(LedgerColumns.Read(reader));
        return postings.ToLookup(p => p.CitizenId, StringComparer.Ordinal);
    }
}
