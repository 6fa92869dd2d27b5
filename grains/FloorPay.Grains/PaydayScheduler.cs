using FloorPay.Domain;
using Microsoft.Extensions.Logging;

namespace FloorPay.Grains;

/// <summary>
/// Starts each period's payday run without anyone asking, and resumes a run whose silo crashed: every silo pokes the
/// current period's run grain periodically (idempotent; the grain is a single activation cluster-wide).
/// </summary>
public sealed class PaydayScheduler(IGrainFactory grains, PeriodClock clock, PaydayOptions options, TimeProvider time, ILogger<PaydayScheduler> log)
    : SiloLoop(log, time)
{
    protected override bool Enabled => options.Enabled;

    protected override TimeSpan Interval => options.CheckInterval;

    protected override Task RunOnceAsync(CancellationToken stopping) => grains.GetGrain<IPaydayRunGrain>(clock.Current.ToString()).EnsureRunning();
}
