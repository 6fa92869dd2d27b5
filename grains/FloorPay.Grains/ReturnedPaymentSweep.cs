using Microsoft.Extensions.Logging;

namespace FloorPay.Grains;

/// <summary>
/// Re-issues returned payments once their citizen's account update is in effect, even if nobody touches the citizen:
/// every silo asks the ledger for candidates periodically and tells those citizens. Running on several silos at once is
/// harmless: a citizen re-issues each returned payment at most once (a unique key on the returned instruction).
/// </summary>
public sealed class ReturnedPaymentSweep(IGrainFactory grains, IInstructionOutbox outbox, PayoutAccountOptions options, TimeProvider time,
    ILogger<ReturnedPaymentSweep> log) : SiloLoop(log, time)
{
    protected override TimeSpan Interval => options.ReissueSweepInterval;

    protected override Task RunOnceAsync(CancellationToken stopping) => SweepOnceAsync(stopping);

    /// <summary>One pass: returns how many payments were re-issued.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellation = default)
    {
        var reissued = 0;
        foreach (var citizenId in await outbox.CitizensAwaitingReissueAsync(Time.GetUtcNow(), 500, cancellation))
            reissued += await grains.GetGrain<ICitizenGrain>(citizenId).ReissueReturnedPayments();
        return reissued;
    }
}
