using FloorPay.Domain.Citizens;

namespace FloorPay.Grains;

/// <summary>
/// Posts envelopes' ordinary items straight to the ledger: one grouped read for the whole envelope, the same rules and
/// the same ledger rows as the citizen grain (ids, slots, keys, fingerprints), all posted at once through the group
/// commit. The ledger's unique keys still decide: an item that conflicts (already enrolled, already paid, a resend)
/// is handed back (null) to run through its citizen grain, which replays or refuses exactly as the single call does.
/// Citizen grains re-read the ledger when their cached history lacks what this path may have written.
/// </summary>
[StatelessWorker]
public sealed class BulkPostingGrain(IPayoutLedger ledger, IEnrollmentRoll roll, PolicyBook policies, PeriodClock clock)
    : Grain, IBulkPostingGrain
{
    public async Task<IReadOnlyList<PayoutReceipt?>> EnrollMany(IReadOnlyList<CitizenEnrollment> items, DateTimeOffset pricedAt)
    {
        // Decided by the citizen's own rule on a citizen not yet enrolled, priced at the instant the envelope's totals
        // were checked (so that it pays exactly those totals). One already enrolled, or a resend, conflicts in the ledger.
        var context = new DecisionContext(policies, clock.Length, clock.Now, NoDividends);
        var decisions = items.Select(i => CitizenDecisions.Decide(new CitizenState(i.CitizenId), new EnrollmentRequest(i.Command.ActingBankId,
            i.Command.IdempotencyKey, i.Command.ActingBankId, i.Command.RegionId, i.Command.Account.BankId, i.Command.Account.AccountToken, pricedAt),
            context)).Select(d => d.Refusal is null ? d : null).ToList();
        return await AppendAsync(decisions);
    }

    private static readonly DividendIndex NoDividends = new();

    public async Task<IReadOnlyList<PayoutReceipt?>> PayFloorMany(IReadOnlyList<CitizenFloorPayout> items)
    {
        var now = clock.Now;
        var period = clock.Current;
        // Only the current period goes this way; the statement of a citizen whose grain is active re-reads for it.
        bool Current(FloorPayoutCommand c) => (string.IsNullOrEmpty(c.Period) ? c.DefaultPeriod ?? period.ToString() : c.Period) == period.ToString();
        var eligible = items.Where(i => Current(i.Command)).Select(i => i.CitizenId).ToList();
        IReadOnlyDictionary<string, CitizenStanding> standing = new Dictionary<string, CitizenStanding>();
        try
        {
            if (eligible.Count > 0) standing = await roll.LookupAsync(eligible, now);
        }
        catch (System.Data.Common.DbException)
        {
            // Nothing posted: every item goes the citizen grains' way, which answers each on its own.
        }
        var decisions = items.Select(i =>
        {
            if (!Current(i.Command)) return null;
            if (!standing.TryGetValue(i.CitizenId, out var s)) return null; // not enrolled: the grain says NOT_FOUND
            if (s.Citizen.Account.BankId != i.Command.ActingBankId) return null; // the grain says PERMISSION_DENIED
            var payout = CitizenDecisions.RollFloor(i.CitizenId, s.Citizen.RegionId, s.Citizen.Account.BankId, s.Citizen.Account.AccountToken, period,
                policies, i.Command.IdempotencyKey, i.Command.Period, now);
            // The key is recorded with the payout, under the acting bank's scope, as the citizen grain does.
            return CitizenDecision.Append(payout,
                new IdempotencyKeyEntry(i.Command.ActingBankId, payout.IdempotencyKey, payout.CitizenId, payout.PayoutId, payout.Fingerprint, now));
        }).ToList();
        return await AppendAsync(decisions);
    }

    /// <summary>Appends each decided item on its own (its payout and key together); an item not decided here (null) is handed back.</summary>
    private async Task<IReadOnlyList<PayoutReceipt?>> AppendAsync(List<CitizenDecision?> decisions)
    {
        var results = await Task.WhenAll(decisions.Select(async d =>
        {
            if (d is null) return PostingResult.Conflict;
            // A failed or stale batch wrote nothing for this item: hand it to its grain (a fresh stamp, its own answer).
            try { return await ledger.AppendAsync(d.Entries); }
            catch (LedgerUnavailableException) { return PostingResult.Conflict; }
        }));
        var receipts = new PayoutReceipt?[decisions.Count];
        for (var i = 0; i < decisions.Count; i++)
        {
            if (decisions[i]?.Payout is not { } p || results[i] != PostingResult.Committed) continue;
            receipts[i] = new PayoutReceipt(p.PayoutId, p.CitizenId, p.Kind, p.Period, p.Amount, p.Currency, p.ReasonCode, p.PaidAt, false);
        }
        return receipts;
    }
}
