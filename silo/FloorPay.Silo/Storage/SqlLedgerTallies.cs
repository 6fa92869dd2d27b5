using System.Data.Common;
using FloorPay.Grains;

namespace FloorPay.Silo.Storage;

/// <summary>
/// Reads floorpay_region_tallies, which a trigger on floorpay_payouts keeps in each inserting transaction (migration
/// 10). A (region, kind, period) may span several shard rows: reads add them up.
/// </summary>
public sealed class SqlLedgerTallies(StorageSettings storage) : ILedgerTallies
{
    public async Task<RegionLedgerTotals> ReadRegionAsync(string regionId, CancellationToken cancellation = default)
    {
        await using var connection = await new SchemaMigrator(storage).OpenAsync(cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT kind, period, SUM(payouts), SUM(amount), SUM(enrollments) FROM floorpay_region_tallies " +
            "WHERE region_id = @region GROUP BY kind, period";
        var p = command.CreateParameter();
        p.ParameterName = "region";
        p.Value = regionId;
        command.Parameters.Add(p);
        var payouts = new List<PayoutTally>();
        var enrollments = 0L;
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            payouts.Add(new PayoutTally(LedgerColumns.Kind(reader.GetString(0)), reader.GetString(1), Long(reader, 2), Long(reader, 3)));
            enrollments += Long(reader, 4);
        }
        return new RegionLedgerTotals(enrollments, payouts);
    }

    public async Task<LedgerOutflows> ReadOutflowsAsync(CancellationToken cancellation = default)
    {
        await using var connection = await new SchemaMigrator(storage).OpenAsync(cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, SUM(amount), SUM(enrollments) FROM floorpay_region_tallies GROUP BY kind";
        long floor = 0, dividend = 0, enrollments = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            if (LedgerColumns.Kind(reader.GetString(0)) == PayoutKind.Dividend) dividend += Long(reader, 1);
            else floor += Long(reader, 1);
            enrollments += Long(reader, 2);
        }
        return new LedgerOutflows(floor, dividend, enrollments);
    }

    // PostgreSQL's SUM over bigint is numeric; SQLite's is an integer.
    private static long Long(DbDataReader reader, int column) => Convert.ToInt64(reader.GetValue(column));
}
