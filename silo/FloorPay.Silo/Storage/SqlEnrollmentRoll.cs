using System.Data.Common;
using FloorPay.Grains;

namespace FloorPay.Silo.Storage;

/// <summary>Enrolled citizens slice by slice (index on bucket, citizen id), with the payout account in effect.</summary>
internal sealed class SqlEnrollmentRoll(StorageSettings storage) : IEnrollmentRoll
{
    public async Task<IReadOnlyList<EnrolledCitizen>> PageAsync(string regionId, int bucket, string afterCitizenId, string period, DateTimeOffset now,
        int limit, CancellationToken cancellation = default)
    {
        var sqlite = storage.Provider == StorageProvider.Sqlite;
        await using var connection = await new SchemaMigrator(storage).OpenAsync(cancellation);
        var page = new List<(string CitizenId, string RegionId, string BankId, string Token)>();
        await using (var command = connection.CreateCommand())
        {
            // Enrollment slots are periods written so that text order is time order ("2026-11" < "2026-12").
            command.CommandText =
                "SELECT citizen_id, region_id, bank_id, account_token FROM floorpay_payouts " +
                $"WHERE {(sqlite ? "enrollment = 1" : "enrollment")} AND bucket = @b AND citizen_id > @after AND slot < @period " +
                (regionId.Length > 0 ? "AND region_id = @region " : "") +
                "ORDER BY citizen_id LIMIT @n";
            Add(command, "b", bucket);
            Add(command, "after", afterCitizenId);
            Add(command, "period", period);
            Add(command, "region", regionId);
            Add(command, "n", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) page.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        if (page.Count == 0) return [];

        // The latest account change in effect wins, as in the citizen grain.
        var accounts = new Dictionary<string, PayoutAccount>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            string filter;
            if (sqlite)
            {
                filter = "citizen_id IN (" + string.Join(",", page.Select((c, i) => { Add(command, $"c{i}", c.CitizenId); return $"@c{i}"; })) + ")";
            }
            else
            {
                command.Parameters.Add(new Npgsql.NpgsqlParameter("ids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
                    { Value = page.Select(c => c.CitizenId).ToArray() });
                filter = "citizen_id = ANY(@ids)";
            }
            command.CommandText = $"SELECT citizen_id, bank_id, account_token FROM floorpay_account_changes WHERE {filter} AND effective_at_ticks <= @now " +
                                  "ORDER BY citizen_id, requested_at_ticks, change_id";
            Add(command, "now", now.UtcTicks);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) accounts[reader.GetString(0)] = new PayoutAccount(reader.GetString(1), reader.GetString(2));
        }
        return page.Select(c => new EnrolledCitizen(c.CitizenId, c.RegionId, accounts.GetValueOrDefault(c.CitizenId) ?? new PayoutAccount(c.BankId, c.Token)))
            .ToList();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
