namespace FloorPay.Grains;

/// <summary>
/// Fixes a dividend's eligible count in the ledger's commit order (rule 7): the count waits for every batch that is
/// writing payouts, and from then on the ledger refuses (retryably) any enrollment stamped before the cutoff. So a
/// commit that stalls, or a silo whose clock is behind, can never add an eligible citizen after the count.
/// </summary>
public interface IDividendSeals
{
    /// <summary>Seals the count of enrollments stamped before <paramref name="eligibleBefore"/>; a second call with the
    /// same <paramref name="sealId"/> returns the count first sealed.</summary>
    Task<long> SealAsync(string sealId, DateTimeOffset eligibleBefore, CancellationToken cancellation = default);
}
