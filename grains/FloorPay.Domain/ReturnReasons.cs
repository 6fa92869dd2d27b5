namespace FloorPay.Domain;

/// <summary>Why a bank could not credit a payout: an enumerated list, so returns can be counted and audited.</summary>
public static class ReturnReasons
{
    public const string AccountClosed = "ACCOUNT_CLOSED";
    public const string AccountNotFound = "ACCOUNT_NOT_FOUND";
    public const string AccountBlocked = "ACCOUNT_BLOCKED";
    public const string HolderDeceased = "HOLDER_DECEASED";
    public const string RefusedByHolder = "REFUSED_BY_HOLDER";

    public static readonly IReadOnlySet<string> All =
        new HashSet<string>([AccountClosed, AccountNotFound, AccountBlocked, HolderDeceased, RefusedByHolder], StringComparer.Ordinal);
}
