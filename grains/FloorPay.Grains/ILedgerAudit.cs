namespace FloorPay.Grains;

/// <summary>Read-only aggregate queries over the payout ledger, for reconciliation.</summary>
public interface ILedgerAudit
{
    Task<LedgerTotals> ReadTotalsAsync(CancellationToken cancellation = default);

    /// <summary>Citizens whose enrollment the ledger records strictly before <paramref name="cutoff"/>.</summary>
    Task<long> CountEnrollmentsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellation = default);

    /// <summary>Per citizen with dividend claims: when it enrolled and how much it was paid in dividends.</summary>
    Task<IReadOnlyList<DividendClaimTotal>> ReadDividendClaimsAsync(CancellationToken cancellation = default);

    /// <summary>The ids among <paramref name="payoutIds"/> that are not in the ledger.</summary>
    Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> payoutIds, CancellationToken cancellation = default);
}

/// <param name="JournalSum">Sum of every journal leg: zero when the books balance.</param>
/// <param name="UnbalancedPostings">Postings whose legs do not sum to zero or are not exactly two.</param>
/// <param name="PayoutsWithoutLegs">Payouts with no journal legs.</param>
/// <param name="LegsWithoutPayout">Journal postings with no payout.</param>
/// <param name="LegAmountMismatches">Payouts whose payable leg differs from the payout amount.</param>
/// <param name="DuplicatePeriodPayouts">(citizen, period) pairs with more than one floor payout.</param>
/// <param name="DuplicateEnrollments">Citizens with more than one enrollment.</param>
/// <param name="Regions">Per region: enrollments and payout tallies, counted from the payouts.</param>
/// <param name="BanksWithOutstandingMismatch">Banks whose issued-minus-resolved counters differ from the unsettled
/// instructions in their outbox.</param>
/// <param name="CorrectionsOutsideApprovedAppeals">Corrections without an upheld resolution of their appeal for exactly
/// their amount by a reviewer other than the filer, or above the resolution's limit without a second reviewer's approval.</param>
/// <param name="ReissuesOfUnreturnedInstructions">Re-issued instructions whose original was not returned.</param>
/// <param name="PayoutsSettledTwice">Payouts with more than one settled instruction (money delivered twice).</param>
/// <param name="Tallies">Per region: what the ledger's running tallies say (the figures regions and the fund serve), read
/// in the same snapshot as <paramref name="Regions"/>.</param>
public sealed record LedgerTotals(
    long Payouts,
    long TotalPaid,
    long JournalSum,
    long UnbalancedPostings,
    long PayoutsWithoutLegs,
    long LegsWithoutPayout,
    long LegAmountMismatches,
    long DuplicatePeriodPayouts,
    long DuplicateEnrollments,
    IReadOnlyDictionary<string, RegionLedgerTotals> Regions,
    long PayoutsWithoutInstruction = 0,
    long BanksWithSequenceGaps = 0,
    IReadOnlyDictionary<string, RegionLedgerTotals>? Tallies = null,
    long BanksWithOutstandingMismatch = 0,
    long CorrectionsOutsideApprovedAppeals = 0,
    long ReissuesOfUnreturnedInstructions = 0,
    long PayoutsSettledTwice = 0);

/// <param name="EnrolledAt">The citizen's enrollment instant; null if the ledger has dividend claims but no enrollment.</param>
public sealed record DividendClaimTotal(string CitizenId, DateTimeOffset? EnrolledAt, long Claimed);

public sealed record RegionLedgerTotals(long Enrollments, IReadOnlyList<PayoutTally> Payouts);
