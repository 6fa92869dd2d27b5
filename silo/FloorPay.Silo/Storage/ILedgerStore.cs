namespace FloorPay.Silo.Storage;

/// <summary>One dialect's way to commit a batch of entries in one transaction and read citizens back.</summary>
internal interface ILedgerStore : IAsyncDisposable
{
    /// <summary>
    /// Inserts the entries (payouts with their journal legs, contributions, exemptions) that do not conflict with a
    /// unique key, all in one transaction, then asks <paramref name="approve"/> with what was inserted, immediately
    /// before COMMIT: it commits and returns the ids inserted if approved, and rolls back and returns null if not.
    /// Without <paramref name="unitsNeedApproval"/> (nothing in the batch can go in by halves) a store may commit without
    /// waiting for the approval, which then only sees what was committed.
    /// </summary>
    Task<BatchCommit?> InsertBatchAsync(IReadOnlyList<JournalEntry> batch, Func<BatchCommit, bool> approve, bool unitsNeedApproval,
        CancellationToken cancellation);

    /// <summary>The citizen whose record used this idempotency key of this scope, if any.</summary>
    Task<string?> CitizenHoldingKeyAsync(string scope, string key, CancellationToken cancellation);

    /// <summary>The records of several citizens in one round trip, oldest first per citizen.</summary>
    Task<IReadOnlyDictionary<string, CitizenHistory>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation);
}

/// <summary>
/// What a committed batch inserted (by entry id), which banks got new instructions, and which enrollments it refused
/// because a dividend cutoff after their stamp was already sealed (retryable: a new stamp is after the cutoff).
/// </summary>
internal sealed record BatchCommit(HashSet<string> Inserted, HashSet<string> Banks, HashSet<string>? Stale = null)
{
    public bool IsStale(string id) => Stale?.Contains(id) == true;
}

internal static class CitizenHistories
{
    public static IReadOnlyDictionary<string, CitizenHistory> Group(
        IReadOnlyCollection<string> citizenIds, List<PayoutPosting> payouts, List<ContributionEntry> contributions, List<ExemptionEntry> exemptions,
        List<AppealEntry> appeals, List<AppealResolutionEntry> resolutions, List<PayoutInstruction> instructions,
        List<InstructionOutcomeRecord> outcomes, List<AccountChangeEntry> changes, List<CorrectionApprovalEntry> approvals,
        List<AccountReleaseEntry> releases, List<IdempotencyKeyEntry> keys)
    {
        var p = payouts.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var c = contributions.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var e = exemptions.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var a = appeals.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var r = resolutions.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var i = instructions.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var o = outcomes.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var h = changes.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var v = approvals.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var l = releases.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        var k = keys.ToLookup(x => x.CitizenId, StringComparer.Ordinal);
        return citizenIds.Distinct().ToDictionary(id => id,
            id => new CitizenHistory(p[id].ToList(), c[id].ToList(), e[id].ToList(), a[id].ToList(), r[id].ToList(),
                i[id].ToList(), o[id].ToList(), h[id].ToList(), v[id].ToList(), l[id].ToList(), k[id].ToList()), StringComparer.Ordinal);
    }
}
