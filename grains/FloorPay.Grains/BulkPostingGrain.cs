using FloorPay.Domain;
using Orleans.Concurrency;

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
        // Priced at the instant the envelope's totals were checked, so that it pays exactly those totals.
        var now = pricedAt;
        var period = Period.Containing(now, clock.Length);
        var (amount, reason) = FloorEntitlement.AtEnrollment(policies.For(period), period, now);
        var postings = items.Select(i => i.Command.ActingBankId != i.Command.Account.BankId
            ? null
            : PayoutPosting.Floor(i.CitizenId, period.ToString(), amount, reason, i.Command.RegionId, i.Command.Account, i.Command.IdempotencyKey,
                Fingerprint.Of("enroll", i.Command.RegionId, i.Command.Account.BankId, i.Command.Account.AccountToken), enrollment: true, now)).ToList();
        return await PostAsync(postings, items.Select(i => i.Command.ActingBankId).ToList(), now);
    }

    public async Task<IReadOnlyList<PayoutReceipt?>> PayFloorMany(IReadOnlyList<CitizenFloorPayout> items)
    {
        var now = clock.Now;
        var period = clock.Current;
        var (amount, reason) = FloorEntitlement.ForPeriod(policies.For(period));
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
        var postings = items.Select(i =>
        {
            if (!Current(i.Command)) return null;
            if (!standing.TryGetValue(i.CitizenId, out var s)) return null; // not enrolled: the grain says NOT_FOUND
            if (s.Citizen.Account.BankId != i.Command.ActingBankId) return null; // the grain says PERMISSION_DENIED
            return PayoutPosting.Floor(i.CitizenId, period.ToString(), amount, reason, s.Citizen.RegionId, s.Citizen.Account, i.Command.IdempotencyKey,
                Fingerprint.Of("floor-payout", i.Command.Period ?? ""), enrollment: false, now);
        }).ToList();
        return await PostAsync(postings, items.Select(i => i.Command.ActingBankId).ToList(), now);
    }

    /// <param name="scopes">Each item's idempotency scope (the acting bank): the key is recorded with the payout, as the grain does.</param>
    private async Task<IReadOnlyList<PayoutReceipt?>> PostAsync(List<PayoutPosting?> postings, List<string> scopes, DateTimeOffset now)
    {
        var results = await Task.WhenAll(postings.Select(async (p, i) =>
        {
            if (p is null) return PostingResult.Conflict;
            // A failed or stale batch wrote nothing for this item: hand it to its grain (a fresh stamp, its own answer).
            try { return await ledger.AppendAsync([p, new IdempotencyKeyEntry(scopes[i], p.IdempotencyKey, p.CitizenId, p.PayoutId, p.Fingerprint, now)]); }
            catch (LedgerUnavailableException) { return PostingResult.Conflict; }
        }));
        var receipts = new PayoutReceipt?[postings.Count];
        for (var i = 0; i < postings.Count; i++)
        {
            if (postings[i] is not { } p || results[i] != PostingResult.Committed) continue;
            receipts[i] = new PayoutReceipt(p.PayoutId, p.CitizenId, p.Kind, p.Period, p.Amount, p.Currency, p.ReasonCode, p.PaidAt, false);
        }
        return receipts;
    }
}
