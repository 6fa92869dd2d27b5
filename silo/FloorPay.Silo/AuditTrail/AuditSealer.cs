namespace FloorPay.Silo.AuditTrail;

/// <summary>
/// Every silo seals on a timer (FloorPay:Audit:SealInterval); sealers of one cluster take turns (a lock and a check of
/// the heads), so a record is written once whichever silo gets there.
/// </summary>
internal sealed class AuditSealer(AuditSeal seal, AuditOptions options, ILogger<AuditSealer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.SealInterval == TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.SealInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await timer.WaitForNextTickAsync(stoppingToken); }
            catch (OperationCanceledException) { break; }
            try
            {
                await seal.RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
            {
                // Nothing is lost: the next seal picks up every entry still unsealed.
                log.LogWarning(e, "audit seal failed; the next one retries");
            }
        }
        // A last seal as the silo stops, so that an export of a stopped cluster has every entry sealed.
        try
        {
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await seal.RunAsync(last.Token);
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            log.LogWarning(e, "the last audit seal failed; the next silo to seal picks the entries up");
        }
    }
}
