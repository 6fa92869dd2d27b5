namespace FloorPay.Grains;

/// <summary>
/// The ledger's own running counts of payouts and enrollments, kept in the transaction that commits each payout: exact
/// after any crash (nothing is fed asynchronously), and cheap to read (a few rows per region).
/// </summary>
public interface ILedgerTallies
{
    /// <summary>Enrollments and payout tallies (kind, period) of one region.</summary>
    Task<RegionLedgerTotals> ReadRegionAsync(string regionId, CancellationToken cancellation = default);

    /// <summary>What the fund has paid out, over every region, and how many citizens are enrolled.</summary>
    Task<LedgerOutflows> ReadOutflowsAsync(CancellationToken cancellation = default);
}

/// <param name="Floor">Floor payouts and appeal corrections (corrections are paid from the floor budget).</param>
/// <param name="Dividend">Dividend payouts.</param>
/// <param name="Enrollments">Citizens enrolled.</param>
public sealed record LedgerOutflows(long Floor, long Dividend, long Enrollments);
