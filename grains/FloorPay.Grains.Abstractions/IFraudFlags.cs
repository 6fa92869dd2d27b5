namespace FloorPay.Grains;

/// <summary>Shared-account fraud flags, raised by the ledger itself (see migration 17); read here.</summary>
public interface IFraudFlags
{
    /// <summary>
    /// The fraud flag on this account, if one was raised: by the record (enrollment or account change) that put the
    /// account's Nth distinct citizen on it, in that record's transaction.
    /// </summary>
    Task<FraudFlag?> FindAsync(string bankId, string accountToken, CancellationToken cancellation = default);

    /// <summary>The latest flags first.</summary>
    Task<IReadOnlyList<FraudFlag>> ListAsync(int limit, CancellationToken cancellation = default);
}

/// <summary>Many citizens pointing at one account: raised for a reviewer, never acted on automatically.</summary>
public sealed record FraudFlag(string BankId, string AccountToken, int CitizenCount, string RaisedByChange, DateTimeOffset RaisedAt);
