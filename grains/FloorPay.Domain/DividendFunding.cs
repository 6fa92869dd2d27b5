namespace FloorPay.Domain;

/// <summary>
/// A dividend distributes AI-dividend money the fund has actually received (the floor may overdraw, rule 1; a dividend
/// may not). Available = AI-dividend inflows received − what earlier declarations distributed (their total less the
/// remainder each one left in the fund) − the total of a declaration still being finalized.
/// </summary>
public static class DividendFunding
{
    public static long Available(long dividendInflows, IEnumerable<(long Total, long Remainder)> declared, long pendingTotal)
    {
        Int128 distributed = 0;
        foreach (var (total, remainder) in declared) distributed += total - remainder;
        var available = dividendInflows - distributed - pendingTotal;
        return available <= 0 ? 0 : (long)available;
    }

    public static bool CanDeclare(long total, long available) => total > 0 && total <= available;
}
