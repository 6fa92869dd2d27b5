namespace FloorPay.Domain;

/// <summary>How much of the enrollment period's floor a new enrollee receives at once.</summary>
public enum FirstPayoutRule
{
    /// <summary>The whole floor amount, whatever day of the period it is.</summary>
    Full = 1,

    /// <summary>The floor amount times the days left in the period (counting the enrollment day) over the period's days, rounded down.</summary>
    ProRated = 2,
}
