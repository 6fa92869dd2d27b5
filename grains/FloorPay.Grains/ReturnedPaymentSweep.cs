using Microsoft.Extensions.Logging;

namespace FloorPay.Grains;

/// <summary>
/// Re-issues returned payments once their citizen's account update is in effect, even if nobody touches the citizen:
/// every silo asks the ledger for candidates periodically and tells those citizens. Running on several silos at once is
/// harmless: a citizen re-issues each returned payment at most once (a unique key on the returned instruction).
/// </summary>
public sealed class ReturnedPaymentSweep(IGrainFactory grains, IInstructionOutbox outbox, PayoutAccountOptions options, TimeProvider time,
    ILogger<ReturnedPaymentSweep> log) : ILifecycleParticipant<ISiloLifecycle>
{
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ReturnedPaymentSweep), ServiceLifecycleStage.Active,
            _ =>
            {
                _stopping = new CancellationTokenSource();
                _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
                return Task.CompletedTask;
            },
            async _ =>
            {
                _stopping?.Cancel();
                if (_loop is not null) await _loop;
            });

    /// <summary>One pass: returns how many payments were re-issued.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellation = default)
    {
        var reissued = 0;
        foreach (var citizenId in await outbox.CitizensAwaitingReissueAsync(time.GetUtcNow(), 500, cancellation))
            reissued += await grains.GetGrain<ICitizenGrain>(citizenId).ReissueReturnedPayments();
        return reissued;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try { await Task.Delay(options.ReissueSweepInterval, time, stopping); }
            catch (OperationCanceledException) { return; }
            try { await SweepOnceAsync(stopping); }
            catch (Exception e) when (!stopping.IsCancellationRequested) { log.LogWarning(e, "returned-payment sweep failed; retrying"); }
            catch (Exception) { return; }
        }
    }
}
