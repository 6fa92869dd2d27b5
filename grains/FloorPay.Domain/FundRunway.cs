namespace FloorPay.Domain;

/// <summary>How many whole periods the fund balance covers the floor for everyone enrolled.</summary>
public static class FundRunway
{
    /// <returns>Whole periods of coverage, or null when nobody is enrolled (coverage is unbounded).</returns>
    public static long? Periods(long balance, long floorAmount, long enrolledCount)
    {
        if (enrolledCount <= 0 || floorAmount <= 0) return null;
        if (balance <= 0) return 0;
        var perPeriod = (Int128)floorAmount * enrolledCount;
        return (long)((Int128)balance / perPeriod);
    }

    /// <summary>Low runway raises an alert only; it never stops a floor payout (rule 1).</summary>
    public static bool IsLow(long? runwayPeriods, int alertBelowPeriods) => runwayPeriods is { } r && r < alertBelowPeriods;
}
