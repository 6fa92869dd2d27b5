namespace FloorPay.Grains;

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
}
