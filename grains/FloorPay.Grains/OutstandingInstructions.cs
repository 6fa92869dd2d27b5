namespace FloorPay.Grains;

/// <summary>
/// Keeps the "instructions outstanding per bank" gauges current: every silo recounts them from the outbox now and then.
/// Every silo exports the same cluster-wide numbers, so dashboards take the maximum over silos, not the sum.
/// </summary>
public sealed class OutstandingInstructions(IInstructionOutbox outbox, MetricsOptions options, TimeProvider time, ILogger<OutstandingInstructions> log)
    : SiloLoop(log, time)
{
    private HashSet<string> _reported = [];

    protected override TimeSpan Interval => options.OutstandingRefresh;

    protected override async Task RunOnceAsync(CancellationToken stopping)
    {
        var outstanding = await outbox.OutstandingByBankAsync(stopping);
        // A bank that has settled everything drops out of the count: report it as zero rather than its last value.
        foreach (var bank in _reported.Except(outstanding.Keys)) FloorPayMeters.SetOutstanding(bank, new Tally(0, 0));
        foreach (var (bank, tally) in outstanding) FloorPayMeters.SetOutstanding(bank, tally);
        _reported = [.. outstanding.Keys];
    }
}
