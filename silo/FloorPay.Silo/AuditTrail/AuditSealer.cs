namespace FloorPay.Silo.AuditTrail;

/// <summary>
/// Every silo seals on a timer (FloorPay:Audit:SealInterval); sealers of one cluster take turns (a lock and a check of
/// the heads), so a record is written once whichever silo gets there.
/// </summary>
internal sealed class AuditSealer(AuditSeal seal, AuditOptions options, ILogger<AuditSealer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // With no interval, only the last seal below runs.
        using var timer = options.SealInterval > TimeSpan.Zero ? new PeriodicTimer(options.SealInterval) : null;
        try
        {
            while (timer is null ? await Forever(stoppingToken) : await timer.WaitForNextTickAsync(stoppingToken))
                await SealAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        // A last seal as the silo stops, so that an export of a stopped cluster has every entry sealed.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await SealAsync(last.Token); }
        catch (OperationCanceledException) { log.LogWarning("the last audit seal ran out of time; the next silo to seal picks the entries up"); }
    }

    private static async Task<bool> Forever(CancellationToken stoppingToken)
    {
        await Task.Delay(Timeout.Infinite, stoppingToken);
        return false;
    }

    private async Task SealAsync(CancellationToken cancellation)
    {
        try
        {
            await seal.RunAsync(cancellation);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellation.IsCancellationRequested))
        {
            // Whatever failed, the silo keeps paying and nothing is lost: the next seal picks up every entry still unsealed.
            log.LogWarning(e, "audit seal failed; the next one retries");
        }
    }
}
