namespace FloorPay.Domain;

/// <summary>What an appeal can be about (rule 9): the same list for everyone.</summary>
public static class AppealGrounds
{
    public static readonly IReadOnlyList<string> All =
    [
        "amount-wrong", "payout-missing", "payout-refused", "exemption-refused", "contribution-not-recorded", "account-wrong", "other",
    ];
}
