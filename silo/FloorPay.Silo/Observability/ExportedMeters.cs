using System.Diagnostics.Metrics;

namespace FloorPay.Silo.Observability;

/// <summary>
/// The .NET meters the management port exports. prometheus-net's adapter otherwise records every instrument in the
/// process, and several fire on every request, message or buffer (ASP.NET Core's memory pool, routing and hosting,
/// Polly's placement telemetry, Orleans' per-message counters): 5 % of a surge's CPU went to series nobody charted.
/// </summary>
internal static class ExportedMeters
{
    /// <summary>Kestrel's connection-level instruments: they change when a bank connects, not on every call.</summary>
    private static readonly HashSet<string> KestrelConnections =
        ["kestrel.active_connections", "kestrel.connection.duration", "kestrel.rejected_connections", "kestrel.queued_connections"];

    public static bool Exported(Instrument instrument) => instrument.Meter.Name switch
    {
        "FloorPay" or "FloorPay.Gateway" => true,
        "System.Runtime" => true,
        // Orleans' gauges are read at scrape time; its counters and histograms record on every message.
        "Microsoft.Orleans" => instrument.IsObservable,
        "Microsoft.AspNetCore.Server.Kestrel" => KestrelConnections.Contains(instrument.Name),
        _ => false,
    };
}
