namespace FloorPay.Silo;

/// <summary>
/// Adopts policy versions that other silos published after this one started. A new version takes effect only from a
/// future period, so reading the book every interval keeps every silo on the same book before the version applies.
/// </summary>
public sealed class PolicyRefresh(StorageSettings storage, PolicyBook book, TimeSpan interval, ILogger<PolicyRefresh> log)
    : SiloLoop(log, TimeProvider.System)
{
    protected override TimeSpan Interval => interval;

    protected override async Task RunOnceAsync(CancellationToken stopping)
    {
        var added = book.Adopt(await PolicyPublication.ReadAsync(storage, stopping));
        if (added > 0) log.LogInformation("adopted published policy versions up to v{Version}", book.Latest.Version);
    }
}
