namespace FloorPay.Grains;

/// <summary>
/// Starts each period's payday run without anyone asking, and resumes a run whose silo crashed: every silo pokes the
/// current period's run grain periodically (idempotent; the grain is a single activation cluster-wide), and resumes
/// any run of the last <see cref="PaydayOptions.ResumeLookback"/> periods that was started and left unfinished (a crash
/// across a period boundary). Runs are durable grain state, so this works alike on one node and in a cluster.
/// </summary>
public sealed class PaydayScheduler(IGrainFactory grains, PeriodClock clock, PaydayOptions options, TimeProvider time, ILogger<PaydayScheduler> log)
    : SiloLoop(log, time)
{
    protected override bool Enabled => options.Enabled;

    protected override TimeSpan Interval => options.CheckInterval;

    protected override async Task RunOnceAsync(CancellationToken stopping)
    {
        var current = clock.Current;
        await grains.GetGrain<IPaydayRunGrain>(current.ToString()).EnsureRunning();
        var past = current;
        for (var i = 0; i < options.ResumeLookback && !stopping.IsCancellationRequested; i++)
        {
            past = past.Previous;
            var progress = await grains.GetGrain<IPaydayRunGrain>(past.ToString()).ResumeIfStarted();
            if (progress.Status == PaydayStatus.Running) log.LogWarning("payday run {Period} was left unfinished; resuming it", past);
        }
    }
}
