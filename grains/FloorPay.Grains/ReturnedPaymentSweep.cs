namespace FloorPay.Grains;

/// <summary>
/// Re-issues returned payments once their citizen's account update is in effect, even if nobody touches the citizen:
/// every silo asks the ledger for candidates periodically and tells those citizens. Running on several silos at once is
/// harmless: a citizen re-issues each returned payment at most once (a unique key on the returned instruction).
/// </summary>
public sealed class ReturnedPaymentSweep(IGrainFactory grains, IReturnedPayments returnedPayments, PayoutAccountOptions options, TimeProvider time,
    ILogger<ReturnedPaymentSweep> log) : SiloLoop(log, time)
{
    protected override TimeSpan Interval => options.ReissueSweepInterval;

    protected override Task RunOnceAsync(CancellationToken stopping) => SweepOnceAsync(stopping);

    /// <summary>
    /// One pass over every payment due, in citizen order with a cursor: a citizen that fails (or any number of them)
    /// delays the others by one call each, never a whole pass. Returns how many payments were re-issued.
    /// </summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellation = default)
    {
        const int page = 500;
        var reissued = 0;
        var after = "";
        while (true)
        {
            var due = await returnedPayments.ReissuesDueAsync(Time.GetUtcNow(), after, page, cancellation: cancellation);
            foreach (var citizenId in due.Select(d => d.CitizenId).Distinct())
            {
                cancellation.ThrowIfCancellationRequested();
                try { reissued += await grains.Citizen(citizenId).ReissueReturnedPayments(); }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "re-issue for citizen {CitizenId} failed; the next pass retries", citizenId); }
            }
            if (due.Count < page) return reissued;
            after = due[^1].CitizenId;
        }
    }
}
