using System.Diagnostics.Metrics;

namespace FloorPay.Grains;

/// <summary>The grains' instruments (meter "FloorPay"), exported by whatever metrics pipeline the host configures.</summary>
public static class FloorPayMeters
{
    public static readonly Meter Meter = new("FloorPay");

    public static readonly Counter<long> PaydayCitizensPaid =
        Meter.CreateCounter<long>("payday.citizens_paid", description: "Citizens paid by payday runs");

    public static readonly Counter<long> PaydayCitizensAlreadyPaid =
        Meter.CreateCounter<long>("payday.citizens_already_paid", description: "Citizens a payday run found already paid for the period");

    public static readonly Counter<long> PaydaySlicesDone =
        Meter.CreateCounter<long>("payday.slices_done", description: "Payday run slices completed");

    /// <summary>A run in progress whose counters stand still is stalled (the FloorPayPaydayStalled alert).</summary>
    public static readonly UpDownCounter<long> PaydayRunsInProgress =
        Meter.CreateUpDownCounter<long>("payday.runs_in_progress", description: "Payday runs started and not finished whose timer runs on this silo");

    public static readonly Counter<long> Reconciliations =
        Meter.CreateCounter<long>("reconciliation.runs", description: "Reconciliations run, by outcome (passed: every check held; failed: at least one did not)");

    public static readonly Counter<long> Payouts =
        Meter.CreateCounter<long>("payouts", description: "Payouts committed to the ledger, by kind and region");

    public static readonly Counter<long> PayoutAmount =
        Meter.CreateCounter<long>("payouts.amount", unit: "minor units", description: "Money committed in payouts, by kind and region");

    public static readonly Counter<long> Enrollments =
        Meter.CreateCounter<long>("enrollments", description: "Enrollments committed to the ledger, by region");

    public static readonly Histogram<int> LedgerBatchSize =
        Meter.CreateHistogram<int>("ledger.batch_size", description: "Entries committed per ledger transaction");

    public static readonly Histogram<double> LedgerCommitSeconds =
        Meter.CreateHistogram<double>("ledger.commit_duration", unit: "s", description: "Time to commit one ledger transaction");

    public static readonly Counter<long> LedgerFailedBatches =
        Meter.CreateCounter<long>("ledger.failed_batches", description: "Ledger transactions that did not commit (their callers got UNAVAILABLE)");

    /// <summary>
    /// Records zero on the counters that move only on rare events (a failed batch, a payday, a reconciliation), so
    /// their series exist from start-up: rate() and increase() need a sample before the first event.
    /// </summary>
    public static void StartAtZero()
    {
        LedgerFailedBatches.Add(0);
        PaydayCitizensPaid.Add(0);
        PaydayCitizensAlreadyPaid.Add(0);
        PaydaySlicesDone.Add(0);
        PaydayRunsInProgress.Add(0);
        Reconciliations.Add(0, new KeyValuePair<string, object?>("outcome", "passed"));
        Reconciliations.Add(0, new KeyValuePair<string, object?>("outcome", "failed"));
    }

    private static long _fundBalance;
    private static long _fundRunway = -1;

    /// <summary>Set by the silo's fund watcher; -1 runway means the fund pays no floor outflow yet (no runway to compute).</summary>
    public static void SetFund(long balance, long? runwayPeriods)
    {
        Interlocked.Exchange(ref _fundBalance, balance);
        Interlocked.Exchange(ref _fundRunway, runwayPeriods ?? -1);
    }

    public static readonly ObservableGauge<long> FundBalance =
        Meter.CreateObservableGauge("fund.balance", () => Interlocked.Read(ref _fundBalance), unit: "minor units",
            description: "The national fund's balance, as this silo last read it");

    public static readonly ObservableGauge<long> FundRunway =
        Meter.CreateObservableGauge("fund.runway_periods", () => Interlocked.Read(ref _fundRunway),
            description: "Periods of floor payouts the national fund covers (-1: not computable yet)");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Tally> _outstanding = new(StringComparer.Ordinal);

    /// <summary>Set by the silo's outstanding-instructions loop.</summary>
    public static void SetOutstanding(string bankId, Tally tally) => _outstanding[bankId] = tally;

    private static IEnumerable<Measurement<long>> PerBank(Func<Tally, long> value) =>
        _outstanding.Select(kv => new Measurement<long>(value(kv.Value), new KeyValuePair<string, object?>("bank", kv.Key)));

    public static readonly ObservableGauge<long> InstructionsOutstanding =
        Meter.CreateObservableGauge("instructions.outstanding",
            () => PerBank(t => t.Count),
            description: "Payout instructions a bank has neither settled nor returned yet (cluster-wide; every silo exports it)");

    public static readonly ObservableGauge<long> InstructionsOutstandingAmount =
        Meter.CreateObservableGauge("instructions.outstanding_amount",
            () => PerBank(t => t.Amount),
            unit: "minor units", description: "What the outstanding instructions pay, per bank");
}
