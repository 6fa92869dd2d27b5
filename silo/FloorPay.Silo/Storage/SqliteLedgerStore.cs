using System.Text;
using FloorPay.Grains;
using Microsoft.Data.Sqlite;

namespace FloorPay.Silo.Storage;

/// <summary>
/// SQLite ledger: one IMMEDIATE transaction per batch, a multi-row insert that skips conflicting payouts and
/// returns the inserted ones, then their journal legs. SQLite has a single writer, so batching is what scales it.
/// </summary>
internal sealed class SqliteLedgerStore(string connectionString, string fundId) : ILedgerStore
{
    public async Task<HashSet<string>> InsertBatchAsync(IReadOnlyList<PayoutPosting> batch, CancellationToken cancellation)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellation);

        var inserted = new Dictionary<string, PayoutPosting>(StringComparer.Ordinal);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            var sql = new StringBuilder($"INSERT INTO floorpay_payouts ({LedgerColumns.Insert}) VALUES ");
            for (var i = 0; i < batch.Count; i++)
            {
                var p = batch[i];
                if (i > 0) sql.Append(',');
                sql.Append($"(@a{i},@b{i},@c{i},@d{i},@e{i},@f{i},@g{i},@h{i},@i{i},@j{i},@k{i},@l{i},@m{i},@n{i},@o{i})");
                insert.Parameters.AddWithValue($"@a{i}", p.PayoutId);
                insert.Parameters.AddWithValue($"@b{i}", p.CitizenId);
                insert.Parameters.AddWithValue($"@c{i}", LedgerColumns.Kind(p.Kind));
                insert.Parameters.AddWithValue($"@d{i}", p.Slot);
                insert.Parameters.AddWithValue($"@e{i}", p.Period);
                insert.Parameters.AddWithValue($"@f{i}", p.Amount);
                insert.Parameters.AddWithValue($"@g{i}", p.Currency);
                insert.Parameters.AddWithValue($"@h{i}", p.ReasonCode);
                insert.Parameters.AddWithValue($"@i{i}", p.RegionId);
                insert.Parameters.AddWithValue($"@j{i}", p.BankId);
                insert.Parameters.AddWithValue($"@k{i}", p.AccountToken);
                insert.Parameters.AddWithValue($"@l{i}", p.IdempotencyKey);
                insert.Parameters.AddWithValue($"@m{i}", p.Fingerprint);
                insert.Parameters.AddWithValue($"@n{i}", p.Enrollment ? 1 : 0);
                insert.Parameters.AddWithValue($"@o{i}", p.PaidAt.UtcTicks);
            }
            sql.Append(" ON CONFLICT DO NOTHING RETURNING payout_id;");
            insert.CommandText = sql.ToString();
            var byId = batch.ToDictionary(p => p.PayoutId, StringComparer.Ordinal);
            await using var reader = await insert.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var id = reader.GetString(0);
                inserted[id] = byId[id];
            }
        }

        if (inserted.Count > 0)
        {
            await using var legs = connection.CreateCommand();
            legs.Transaction = tx;
            var sql = new StringBuilder("INSERT INTO floorpay_journal (posting_id, leg, account, amount) VALUES ");
            var n = 0;
            foreach (var p in inserted.Values)
            {
                var leg = 0;
                foreach (var (account, amount) in LedgerColumns.Legs(fundId, p))
                {
                    if (n > 0) sql.Append(',');
                    sql.Append($"(@p{n},@l{n},@a{n},@m{n})");
                    legs.Parameters.AddWithValue($"@p{n}", p.PayoutId);
                    legs.Parameters.AddWithValue($"@l{n}", ++leg);
                    legs.Parameters.AddWithValue($"@a{n}", account);
                    legs.Parameters.AddWithValue($"@m{n}", amount);
                    n++;
                }
            }
            legs.CommandText = sql.ToString();
            await legs.ExecuteNonQueryAsync(cancellation);
        }
        await tx.CommitAsync(cancellation);
        return [.. inserted.Keys];
    }

    public async Task<ILookup<string, PayoutPosting>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var command = connection.CreateCommand();
        var names = citizenIds.Select((id, i) =>
        {
            command.Parameters.AddWithValue($"@c{i}", id);
            return $"@c{i}";
        }).ToList();
        command.CommandText =
            $"SELECT {LedgerColumns.Select} FROM floorpay_payouts WHERE citizen_id IN ({string.Join(",", names)}) ORDER BY citizen_id, paid_at_ticks, payout_id;";
        var postings = new List<PayoutPosting>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) postings.Add(LedgerColumns.Read(reader));
        return postings.ToLookup(p => p.CitizenId, StringComparer.Ordinal);
    }
}
