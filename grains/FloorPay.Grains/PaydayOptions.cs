namespace FloorPay.Grains;

/// <summary>Configuration section "FloorPay:Payday".</summary>
public sealed class PaydayOptions
{
    /// <summary>Whether silos start each period's run by themselves.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each silo makes sure the current period's run is running (and resumes it after a crash).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many past periods each check looks back for a run that was started and left unfinished, to resume it.</summary>
    public int ResumeLookback { get; set; } = 6;

    /// <summary>Payouts per second the run aims at: a steady flow for the banks rather than one spike.</summary>
    public int RatePerSecond { get; set; } = 2_500;

    /// <summary>Most citizens of one slice paid in one step (one ledger read, one checkpoint).</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>How often the run takes a step.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>What makes this configuration unusable; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (CheckInterval <= TimeSpan.Zero || TickInterval <= TimeSpan.Zero) yield return "CheckInterval and TickInterval must be positive";
        if (RatePerSecond < 1 || PageSize < 1) yield return "RatePerSecond and PageSize must be at least 1";
        if (ResumeLookback < 0) yield return "ResumeLookback cannot be negative";
    }
}
