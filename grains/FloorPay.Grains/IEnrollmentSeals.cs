namespace FloorPay.Grains;

/// <summary>
/// Fixes who enrolled before a cutoff in the ledger's commit order: a seal waits for every batch that is writing payouts,
/// counts the enrollments stamped before the cutoff, and from then on the ledger refuses (retryably) any enrollment
/// stamped before it. So a commit that stalls, or a silo whose clock is behind, can never add a citizen enrolled "before"
/// the cutoff after the seal: not to a dividend's eligible count (rule 7), not behind a payday run that started reading.
/// </summary>
public interface IEnrollmentSeals
{
    /// <summary>Seals the count of enrollments stamped before <paramref name="cutoff"/>; a second call with the same
    /// <paramref name="sealId"/> returns the count first sealed.</summary>
    Task<long> SealAsync(string sealId, DateTimeOffset cutoff, CancellationToken cancellation = default);
}
