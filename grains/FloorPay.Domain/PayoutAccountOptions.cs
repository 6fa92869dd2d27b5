namespace FloorPay.Domain;

/// <summary>Configuration section "FloorPay:Accounts": the defences on the classic fraud path, redirecting payouts.</summary>
public sealed class PayoutAccountOptions
{
    /// <summary>A changed account receives money only after this; until then payouts go to the account on file.</summary>
    public TimeSpan CoolingOff { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long a bank's release of an account holder lets the named bank claim the citizen.</summary>
    public TimeSpan TransferWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>This many distinct citizens pointing at one account raise a fraud flag for review.</summary>
    public int FraudFlagThreshold { get; set; } = 5;

    /// <summary>How often each silo looks for returned payments whose account change has come into effect.</summary>
    public TimeSpan ReissueSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What makes this configuration unusable; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (CoolingOff < TimeSpan.Zero) yield return "CoolingOff cannot be negative";
        if (TransferWindow <= TimeSpan.Zero) yield return "TransferWindow must be positive";
        if (FraudFlagThreshold < 2) yield return "FraudFlagThreshold must be at least 2 (one citizen per account is the normal case)";
        if (ReissueSweepInterval <= TimeSpan.Zero) yield return "ReissueSweepInterval must be positive";
    }
}
