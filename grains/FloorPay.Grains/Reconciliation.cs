namespace FloorPay.Grains;

/// <summary>
/// Compares what the ledger says with the invariants and with the asynchronously fed aggregates. Aggregates lag the
/// ledger by the feed's delivery delay, so their comparison is retried for a few seconds before it counts as failed.
/// </summary>
public sealed class Reconciliation(IGrainFactory grains, ILedgerAudit ledger, IPendingAggregates pending, TimeProvider time) : IReconciliation
{
    public TimeSpan AggregateSettleTime { get; init; } = TimeSpan.FromSeconds(5);

    public async Task<ReconciliationReport> RunAsync(IReadOnlyList<string> regionIds, IReadOnlyList<string> acknowledgedPayoutIds,
        CancellationToken cancellation = default)
    {
        var checks = new List<ReconciliationCheck>();
        var deadline = time.GetUtcNow() + AggregateSettleTime;
        LedgerTotals totals;
        List<ReconciliationCheck> aggregateChecks;
        while (true)
        {
            await pending.FlushAsync(cancellation);
            totals = await ledger.ReadTotalsAsync(cancellation);
            aggregateChecks = await CompareAggregatesAsync(totals, regionIds);
            if (aggregateChecks.All(c => c.Passed) || time.GetUtcNow() >= deadline) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }

        checks.Add(Check("journal balances to zero", totals.JournalSum == 0 && totals.UnbalancedPostings == 0,
            $"sum of all legs {totals.JournalSum}; {totals.UnbalancedPostings} postings unbalanced or without exactly two legs"));
        checks.Add(Check("every payout is posted in the journal", totals.PayoutsWithoutLegs == 0 && totals.LegsWithoutPayout == 0 && totals.LegAmountMismatches == 0,
            $"{totals.PayoutsWithoutLegs} payouts without legs, {totals.LegsWithoutPayout} postings without payout, {totals.LegAmountMismatches} amount mismatches"));
        checks.Add(Check("no citizen is paid twice for a period", totals.DuplicatePeriodPayouts == 0 && totals.DuplicateEnrollments == 0,
            $"{totals.DuplicatePeriodPayouts} (citizen, period) pairs paid more than once, {totals.DuplicateEnrollments} citizens enrolled more than once"));
        checks.Add(Check("every payout has one instruction and every bank's sequence is gap-free",
            totals.PayoutsWithoutInstruction == 0 && totals.BanksWithSequenceGaps == 0,
            $"{totals.PayoutsWithoutInstruction} payouts without an instruction, {totals.BanksWithSequenceGaps} banks with gaps in their sequence"));
        checks.AddRange(aggregateChecks);
        checks.Add(await CheckDividendsAsync(cancellation));
        var missing = acknowledgedPayoutIds.Count == 0 ? [] : await ledger.MissingAsync(acknowledgedPayoutIds, cancellation);
        checks.Add(Check("every acknowledged payout exists", missing.Count == 0,
            missing.Count == 0
                ? $"all {acknowledgedPayoutIds.Count} acknowledged payouts found"
                : $"{missing.Count} of {acknowledgedPayoutIds.Count} missing, e.g. {string.Join(", ", missing.Take(5))}"));
        return new ReconciliationReport(time.GetUtcNow(), totals.Payouts, totals.TotalPaid, checks);
    }

    private async Task<List<ReconciliationCheck>> CompareAggregatesAsync(LedgerTotals totals, IReadOnlyList<string> regionIds)
    {
        var checks = new List<ReconciliationCheck>();
        var regionProblems = new List<string>();
        foreach (var regionId in regionIds)
        {
            var summary = await grains.GetGrain<IRegionGrain>(regionId).GetSummary();
            var expected = totals.Regions.GetValueOrDefault(regionId) ?? new RegionLedgerTotals(0, []);
            if (summary.EnrolledCount != expected.Enrollments)
                regionProblems.Add($"{regionId}: enrolled {summary.EnrolledCount}, ledger {expected.Enrollments}");
            var have = summary.Payouts.ToDictionary(p => (p.Kind, p.Period), p => (p.Count, p.Amount));
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
        checks.Add(Check("region aggregates equal the ledger", regionProblems.Count == 0,
            regionProblems.Count == 0 ? $"{regionIds.Count} regions match" : string.Join("; ", regionProblems.Take(10))));

        var fund = await grains.GetGrain<IFundGrain>(IFundGrain.National).GetSummary();
        var floor = totals.Regions.Values.SelectMany(r => r.Payouts).Where(p => p.Kind != PayoutKind.Dividend).Sum(p => p.Amount);
        var dividend = totals.Regions.Values.SelectMany(r => r.Payouts).Where(p => p.Kind == PayoutKind.Dividend).Sum(p => p.Amount);
        var enrolled = totals.Regions.Values.Sum(r => r.Enrollments);
        checks.Add(Check("fund aggregates equal the ledger",
            fund.FloorOutflows == floor && fund.DividendOutflows == dividend && fund.EnrolledCount == enrolled,
            $"floor outflows {fund.FloorOutflows} (ledger {floor}), dividend outflows {fund.DividendOutflows} (ledger {dividend}), " +
            $"enrolled {fund.EnrolledCount} (ledger {enrolled})"));
        return checks;
    }

    /// <summary>Each dividend was shared by exactly the citizens the ledger shows enrolled before its cutoff.</summary>
    private async Task<ReconciliationCheck> CheckDividendsAsync(CancellationToken cancellation)
    {
        var problems = new List<string>();
        var declarations = await grains.GetGrain<IFundGrain>(IFundGrain.National).GetDividendIndex();
        foreach (var d in declarations)
        {
            var enrolled = await ledger.CountEnrollmentsBeforeAsync(d.EligibleBefore, cancellation);
            if (enrolled != d.EligibleCount) problems.Add($"dividend {d.Sequence}: shared by {d.EligibleCount}, ledger shows {enrolled} enrolled before its cutoff");
        }
        return Check("every dividend is shared by exactly the citizens enrolled before its cutoff", problems.Count == 0,
            problems.Count == 0 ? $"{declarations.Count} dividends match the ledger" : string.Join("; ", problems.Take(10)));
    }

    private static ReconciliationCheck Check(string name, bool passed, string detail) => new(name, passed, detail);
}
