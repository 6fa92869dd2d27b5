namespace FloorPay.Silo.Storage;

/// <summary>
/// Reads floorpay_region_tallies, which a trigger on floorpay_payouts keeps in each inserting transaction (migration
/// 10). A (region, kind, period) may span several shard rows: reads add them up.
/// </summary>
public sealed class SqlLedgerTallies(StorageSettings storage) : ILedgerTallies
{
    /// <summary>The tallies per (region, kind, period), shards added up; <paramref name="where"/> may narrow the rows.</summary>
    internal static string TallySql(string where) =>
        $"SELECT region_id, kind, period, SUM(payouts), SUM(amount), SUM(enrollments) FROM floorpay_region_tallies {where} " +
        "GROUP BY region_id, kind, period";

    public async Task<RegionLedgerTotals> ReadRegionAsync(string regionId, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection, TallySql("WHERE region_id = @region"), ("region", regionId));
        return (await ReadPerRegionAsync(command, cancellation)).GetValueOrDefault(regionId) ?? new RegionLedgerTotals(0, []);
    }

    public async Task<LedgerOutflows> ReadOutflowsAsync(CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection, "SELECT kind, SUM(amount), SUM(enrollments) FROM floorpay_region_tallies GROUP BY kind");
        long floor = 0, dividend = 0, enrollments = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            if (StoredNames.PayoutKindOf(reader.GetString(0)) == PayoutKind.Dividend) dividend += Long(reader, 1);
            else floor += Long(reader, 1);
            enrollments += Long(reader, 2);
        }
        return new LedgerOutflows(floor, dividend, enrollments);
    }

    /// <summary>Folds rows of (region, kind, period, payouts, amount, enrollments) into totals per region.</summary>
    internal static async Task<Dictionary<string, RegionLedgerTotals>> ReadPerRegionAsync(DbCommand command, CancellationToken cancellation)
    {
        var enrollments = new Dictionary<string, long>(StringComparer.Ordinal);
        var payouts = new Dictionary<string, List<PayoutTally>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var region = reader.GetString(0);
            if (!payouts.TryGetValue(region, out var list)) payouts[region] = list = [];
            list.Add(new PayoutTally(StoredNames.PayoutKindOf(reader.GetString(1)), reader.GetString(2), Long(reader, 3), Long(reader, 4)));
            enrollments[region] = enrollments.GetValueOrDefault(region) + Long(reader, 5);
        }
        return payouts.ToDictionary(r => r.Key, r => new RegionLedgerTotals(enrollments[r.Key], r.Value), StringComparer.Ordinal);
    }

    // PostgreSQL's SUM over bigint is numeric; SQLite's is an integer.
    private static long Long(DbDataReader reader, int column) => Convert.ToInt64(reader.GetValue(column));
}
