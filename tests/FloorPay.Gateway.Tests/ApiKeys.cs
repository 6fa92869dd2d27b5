namespace FloorPay.Gateway.Tests;

/// <summary>The demo participants' API keys, accepted in Development only.</summary>
public static class ApiKeys
{
    public const string BankA = "dev-bank-a";
    public const string BankB = "dev-bank-b";
    public const string Platform = "dev-platform";
    public const string Treasury = "dev-treasury";
    public const string SecondTreasury = "dev-treasury-2";
    public const string Reviewer = "dev-reviewer";
    public const string SecondReviewer = "dev-reviewer-2";
    public const string Auditor = "dev-auditor";

    /// <summary>The key of each demo role, by the role name used in test tables.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByRole = new Dictionary<string, string>
    {
        ["bank"] = BankA,
        ["contribution-platform"] = Platform,
        ["treasury"] = Treasury,
        ["reviewer"] = Reviewer,
        ["auditor"] = Auditor,
    };
}
