namespace FloorPay.Grains;

/// <summary>
/// Compares what the ledger says with the invariants, and the ledger's running tallies (the figures regions and the
/// fund serve) with a full count of the payouts, both read in one snapshot so that live traffic cannot skew them.
/// </summary>
public sealed class Reconciliation(IGrainFactory grains, ILedgerAudit ledger, TimeProvider time) : IReconciliation
{
    public async Task<ReconciliationReport> RunAsync(IReadOnlyList<string> regionIds, IReadOnlyList<string> acknowledgedPayoutIds,
        CancellationToken cancellation = default)
    {
        var checks = new List<ReconciliationCheck>();
        var totals = await ledger.ReadTotalsAsync(cancellation);

        checks.Add(Check("journal balances to zero", totals.JournalSum == 0 && totals.UnbalancedPostings == 0,
            $"sum of all legs {totals.JournalSum}; {totals.UnbalancedPostings} postings unbalanced or without exactly two legs"));
        checks.Add(Check("every payout is posted in the journal", totals.PayoutsWithoutLegs == 0 && totals.LegsWithoutPayout == 0 && totals.LegAmountMismatches == 0,
            $"{totals.PayoutsWithoutLegs} payouts without legs, {totals.LegsWithoutPayout} postings without payout, {totals.LegAmountMismatches} amount mismatches"));
        checks.Add(Check("no citizen is paid twice for a period", totals.DuplicatePeriodPayouts == 0 && totals.DuplicateEnrollments == 0,
            $"{totals.DuplicatePeriodPayouts} (citizen, period) pairs paid more than once, {totals.DuplicateEnrollments} citizens enrolled more than once"));
        checks.Add(Check("every payout has one instruction and every bank's sequence is gap-free",
            totals.PayoutsWithoutInstruction == 0 && totals.BanksWithSequenceGaps == 0,
            $"{totals.PayoutsWithoutInstruction} payouts without an instruction, {totals.BanksWithSequenceGaps} banks with gaps in their sequence"));
        checks.Add(Check("every bank's outstanding count equals its unsettled instructions", totals.BanksWithOutstandingMismatch == 0,
            $"{totals.BanksWithOutstandingMismatch} banks whose issued-minus-resolved counters differ from their outbox"));
        checks.Add(Check(CorrectionsCheck, totals.CorrectionsOutsideApprovedAppeals == 0,
            $"{totals.CorrectionsOutsideApprovedAppeals} corrections without an upheld appeal ordering exactly them, or above the limit without a second reviewer"));
        checks.Add(Check(SettledOnceCheck, totals.ReissuesOfUnreturnedInstructions == 0 && totals.PayoutsSettledTwice == 0,
            $"{totals.ReissuesOfUnreturnedInstructions} re-issues of instructions that were not returned, {totals.PayoutsSettledTwice} payouts settled twice"));
        checks.AddRange(CompareAggregates(totals, regionIds));
        var declarations = await grains.GetGrain<IFundGrain>(IFundGrain.National).GetDividendIndex();
        checks.Add(await CheckDividendsAsync(declarations, cancellation));
        checks.Add(await CheckDividendClaimsAsync(declarations, cancellation));
        var missing = acknowledgedPayoutIds.Count == 0 ? [] : await ledger.MissingAsync(acknowledgedPayoutIds, cancellation);
        checks.Add(Check("every acknowledged payout exists", missing.Count == 0,
            missing.Count == 0
                ? $"all {acknowledgedPayoutIds.Count} acknowledged payouts found"
                : $"{missing.Count} of {acknowledgedPayoutIds.Count} missing, e.g. {string.Join(", ", missing.Take(5))}"));
        FloorPayMeters.Reconciliations.Add(1, new KeyValuePair<string, object?>("outcome", checks.All(c => c.Passed) ? "passed" : "failed"));
        return new ReconciliationReport(time.GetUtcNow(), totals.Payouts, totals.TotalPaid, checks);
    }

    private static List<ReconciliationCheck> CompareAggregates(LedgerTotals totals, IReadOnlyList<string> regionIds)
    {
        var tallies = totals.Tallies ?? new Dictionary<string, RegionLedgerTotals>();
        var empty = new RegionLedgerTotals(0, []);
        var regionProblems = new List<string>();
        foreach (var regionId in regionIds.Union(tallies.Keys).Union(totals.Regions.Keys))
        {
            var served = tallies.GetValueOrDefault(regionId) ?? empty;
            var expected = totals.Regions.GetValueOrDefault(regionId) ?? empty;
            if (served.Enrollments != expected.Enrollments)
                regionProblems.Add($"{regionId}: enrolled {served.Enrollments}, ledger {expected.Enrollments}");
            var have = served.Payouts.ToDictionary(p => (p.Kind, p.Period), p => (p.Count, p.Amount));
            var want = expected.Payouts.ToDictionary(p => (p.Kind, p.Period), p => (p.Count, p.Amount));
            foreach (var key in have.Keys.Union(want.Keys))
            {
                var (hc, ha) = have.GetValueOrDefault(key);
                var (wc, wa) = want.GetValueOrDefault(key);
                if (hc != wc || ha != wa) regionProblems.Add($"{regionId} {key.Kind} {key.Period}: {hc} payouts / {ha}, ledger {wc} / {wa}");
            }
        }
        foreach (var unknown in totals.Regions.Keys.Except(regionIds))
            regionProblems.Add($"{unknown}: in the ledger but not a configured region");
        var checks = new List<ReconciliationCheck>
        {
            Check("region aggregates equal the ledger", regionProblems.Count == 0,
                regionProblems.Count == 0 ? $"{regionIds.Count} regions match" : string.Join("; ", regionProblems.Take(10))),
        };

        // What the fund serves is the tallies' sum; corrections are paid from the floor budget.
        static (long Floor, long Dividend, long Enrolled) Outflows(IEnumerable<RegionLedgerTotals> regions)
        {
            var list = regions.ToList();
            var payouts = list.SelectMany(r => r.Payouts).ToList();
            return (payouts.Where(p => p.Kind != PayoutKind.Dividend).Sum(p => p.Amount),
                payouts.Where(p => p.Kind == PayoutKind.Dividend).Sum(p => p.Amount), list.Sum(r => r.Enrollments));
        }
        var fund = Outflows(tallies.Values);
        var ledgerSays = Outflows(totals.Regions.Values);
        checks.Add(Check("fund aggregates equal the ledger", fund == ledgerSays,
            $"floor outflows {fund.Floor} (ledger {ledgerSays.Floor}), dividend outflows {fund.Dividend} (ledger {ledgerSays.Dividend}), " +
            $"enrolled {fund.Enrolled} (ledger {ledgerSays.Enrolled})"));
        return checks;
    }

    /// <summary>Each dividend was shared by exactly the citizens the ledger shows enrolled before its cutoff.</summary>
    private async Task<ReconciliationCheck> CheckDividendsAsync(IReadOnlyList<DividendPoint> declarations, CancellationToken cancellation)
    {
        var problems = new List<string>();
        foreach (var d in declarations)
        {
            var enrolled = await ledger.CountEnrollmentsBeforeAsync(d.EligibleBefore, cancellation);
            if (enrolled != d.EligibleCount) problems.Add($"dividend {d.Sequence}: shared by {d.EligibleCount}, ledger shows {enrolled} enrolled before its cutoff");
        }
        return Check("every dividend is shared by exactly the citizens enrolled before its cutoff", problems.Count == 0,
            problems.Count == 0 ? $"{declarations.Count} dividends match the ledger" : string.Join("; ", problems.Take(10)));
    }

    public const string CorrectionsCheck = "every correction is within an approved appeal";

    public const string SettledOnceCheck = "no payment is both returned and settled, or settled twice";

    public const string DividendClaimsCheck = "no citizen's dividend claims exceed what it accrued since enrolling";

    /// <summary>Per citizen: the dividends paid never exceed the index accrued since its enrollment (rule 7).</summary>
    private async Task<ReconciliationCheck> CheckDividendClaimsAsync(IReadOnlyList<DividendPoint> declarations, CancellationToken cancellation)
    {
        var index = new DividendIndex(declarations.Select(p =>
            new DividendDeclaration(p.Sequence, p.DeclaredAt, p.Total, p.EligibleCount, p.PerCapita, p.Remainder, p.CumulativeIndex, p.EligibleBefore)));
        var claims = await ledger.ReadDividendClaimsAsync(cancellation);
        var problems = claims
            .Where(c => c.EnrolledAt is not { } enrolled || c.Claimed > index.Current - index.At(enrolled))
            .Select(c => c.EnrolledAt is { } enrolled
                ? $"{c.CitizenId}: claimed {c.Claimed}, accrued {index.Current - index.At(enrolled)}"
                : $"{c.CitizenId}: claimed {c.Claimed} without an enrollment")
            .ToList();
        return Check(DividendClaimsCheck, problems.Count == 0,
            problems.Count == 0 ? $"{claims.Count} citizens' claims are within their accrual" : $"{problems.Count} citizens over: {string.Join("; ", problems.Take(10))}");
    }

    private static ReconciliationCheck Check(string name, bool passed, string detail) => new(name, passed, detail);
}
