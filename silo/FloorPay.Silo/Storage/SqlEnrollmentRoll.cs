namespace FloorPay.Silo.Storage;

/// <summary>Enrolled citizens slice by slice (index on bucket, citizen id), with the payout account in effect.</summary>
internal sealed class SqlEnrollmentRoll(StorageSettings storage) : IEnrollmentRoll
{
    public async Task<IReadOnlyList<EnrolledCitizen>> PageAsync(int bucket, string afterCitizenId, string period, DateTimeOffset now,
        int limit, CancellationToken cancellation = default)
    {
        var sqlite = storage.Provider == StorageProvider.Sqlite;
        await using var connection = await storage.OpenAsync(cancellation);
        var page = new List<(string CitizenId, string RegionId, string BankId, string Token)>();
        await using (var command = connection.CreateCommand())
        {
            // Enrollment slots are periods written so that text order is time order ("2026-11" < "2026-12").
            command.CommandText =
                "SELECT citizen_id, region_id, bank_id, account_token FROM floorpay_payouts " +
                $"WHERE {(sqlite ? "enrollment = 1" : "enrollment")} AND bucket = @b AND citizen_id > @after AND slot < @period " +
                "ORDER BY citizen_id LIMIT @n";
            SqlCommands.Add(command, "b", bucket);
            SqlCommands.Add(command, "after", afterCitizenId);
            SqlCommands.Add(command, "period", period);
            SqlCommands.Add(command, "n", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation)) page.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        if (page.Count == 0) return [];

        var accounts = await AccountsInEffectAsync(connection, page.Select(c => c.CitizenId).ToList(), now, cancellation);
        return page.Select(c => new EnrolledCitizen(c.CitizenId, c.RegionId, accounts.GetValueOrDefault(c.CitizenId) ?? new PayoutAccount(c.BankId, c.Token)))
            .ToList();
    }

    public async Task<IReadOnlyDictionary<string, CitizenStanding>> LookupAsync(IReadOnlyCollection<string> citizenIds, DateTimeOffset now,
        CancellationToken cancellation = default)
    {
        var ids = citizenIds.Distinct().ToList();
        await using var connection = await storage.OpenAsync(cancellation);
        var enrolled = new List<(string CitizenId, string RegionId, string BankId, string Token, string Slot)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT citizen_id, region_id, bank_id, account_token, slot FROM floorpay_payouts " +
                                  $"WHERE {(storage.Provider == StorageProvider.Sqlite ? "enrollment = 1" : "enrollment")} AND {Filter(command, ids)}";
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
                enrolled.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        if (enrolled.Count == 0) return new Dictionary<string, CitizenStanding>();
        var present = enrolled.Select(e => e.CitizenId).ToList();
        var accounts = await AccountsInEffectAsync(connection, present, now, cancellation);
        return enrolled.ToDictionary(e => e.CitizenId, e => new CitizenStanding(
            new EnrolledCitizen(e.CitizenId, e.RegionId, accounts.GetValueOrDefault(e.CitizenId) ?? new PayoutAccount(e.BankId, e.Token)),
            e.Slot), StringComparer.Ordinal);
    }

    /// <summary>The latest account change in effect per citizen, as the citizen grain decides it.</summary>
    private async Task<Dictionary<string, PayoutAccount>> AccountsInEffectAsync(DbConnection connection, List<string> citizenIds, DateTimeOffset now,
        CancellationToken cancellation)
    {
        var accounts = new Dictionary<string, PayoutAccount>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT citizen_id, bank_id, account_token FROM floorpay_account_changes WHERE {Filter(command, citizenIds)} " +
                              "AND effective_at_ticks <= @now ORDER BY citizen_id, requested_at_ticks, change_id";
        SqlCommands.Add(command, "now", now.UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) accounts[reader.GetString(0)] = new PayoutAccount(reader.GetString(1), reader.GetString(2));
        return accounts;
    }

    /// <summary>"citizen_id is one of these", as one array parameter (PostgreSQL) or a parameter list (SQLite).</summary>
    private string Filter(DbCommand command, List<string> citizenIds)
    {
        if (storage.Provider == StorageProvider.Sqlite)
            return "citizen_id IN (" + string.Join(",", citizenIds.Select((c, i) => { SqlCommands.Add(command, $"c{i}", c); return $"@c{i}"; })) + ")";
        command.Parameters.Add(new Npgsql.NpgsqlParameter("ids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = citizenIds.ToArray() });
        return "citizen_id = ANY(@ids)";
    }
}
