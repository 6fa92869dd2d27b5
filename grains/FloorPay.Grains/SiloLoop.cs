namespace FloorPay.Grains;

/// <summary>
/// Work a silo repeats while it is active: started when the silo becomes active, stopped (and awaited) when it stops.
/// A failed pass is logged and the next one runs after the interval: nothing here may take the silo down.
/// </summary>
public abstract class SiloLoop(ILogger log, TimeProvider time) : ILifecycleParticipant<ISiloLifecycle>
{
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    /// <summary>The clock the loop waits on (and that derived loops may read).</summary>
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Interval { get; }

    protected virtual bool Enabled => true;

    /// <summary>How a failed pass is logged (some loops fail routinely while the cluster starts).</summary>
    protected virtual LogLevel FailureLevel => LogLevel.Warning;

    protected abstract Task RunOnceAsync(CancellationToken stopping);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active,
            _ =>
            {
                if (!Enabled) return Task.CompletedTask;
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
            try { await RunOnceAsync(stopping); }
            catch (Exception e) when (!stopping.IsCancellationRequested) { log.Log(FailureLevel, e, "{Loop} failed; retrying", GetType().Name); }
            catch (Exception) { return; }
            try { await Task.Delay(Interval, Time, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }
}
