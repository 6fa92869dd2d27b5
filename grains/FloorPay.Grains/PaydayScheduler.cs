using FloorPay.Domain;
using Microsoft.Extensions.Logging;

namespace FloorPay.Grains;

/// <summary>
/// Starts each period's payday run without anyone asking, and resumes a run whose silo crashed: every silo pokes the
/// current period's run grain periodically (idempotent; the grain is a single activation cluster-wide).
/// </summary>
public sealed class PaydayScheduler(IGrainFactory grains, PeriodClock clock, PaydayOptions options, TimeProvider time, ILogger<PaydayScheduler> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PaydayScheduler), ServiceLifecycleStage.Active,
            _ =>
            {
                if (!options.Enabled) return Task.CompletedTask;
                _stopping = new CancellationTokenSource();
                _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
                return Task.CompletedTask;
            },
            async _ =>
            {
                _stopping?.Cancel();
                if (_loop is not null) await _loop;
            });

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try { await grains.GetGrain<IPaydayRunGrain>(clock.Current.ToString()).EnsureRunning(); }
            catch (Exception e) when (!stopping.IsCancellationRequested) { log.LogWarning(e, "could not ensure the payday run; retrying"); }
            catch (Exception) { return; }
            try { await Task.Delay(options.CheckInterval, time, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }
}
