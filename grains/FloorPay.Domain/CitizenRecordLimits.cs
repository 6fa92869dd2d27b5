namespace FloorPay.Domain;

/// <summary>
/// Configuration section "FloorPay:CitizenLimits" (rule 13): how many records of each kind one citizen may gain per
/// period, so that no caller can grow a citizen's history (which every activation reads) without bound. Payouts need
/// no such bound: the rules already allow one floor per period, one claim per declaration, one correction per appeal.
/// </summary>
public sealed class CitizenRecordLimits
{
    public int ContributionsPerPeriod { get; set; } = 200;

    public int ExemptionsPerPeriod { get; set; } = 10;

    public int AppealsPerPeriod { get; set; } = 10;

    public int AccountChangesPerPeriod { get; set; } = 5;

    public int ReleasesPerPeriod { get; set; } = 5;

    /// <summary>What makes this configuration unusable; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (ContributionsPerPeriod < 1 || ExemptionsPerPeriod < 1 || AppealsPerPeriod < 1 || AccountChangesPerPeriod < 1 || ReleasesPerPeriod < 1)
            yield return "every per-period limit must be at least 1";
    }
}
