using System.Diagnostics.Metrics;

namespace FloorPay.Gateway.Observability;

/// <summary>The gateway's instruments (meter "FloorPay.Gateway"), exported on /metrics with every other meter.</summary>
public static class GatewayMeters
{
    public static readonly Meter Meter = new("FloorPay.Gateway");

    public static readonly Counter<long> Requests =
        Meter.CreateCounter<long>("grpc.requests", description: "gRPC calls answered, by method and status");

    public static readonly Histogram<double> RequestSeconds =
        Meter.CreateHistogram<double>("grpc.request_duration", unit: "s", description: "Time to answer a gRPC call, by method and status");

    public static readonly Counter<long> Refusals =
        Meter.CreateCounter<long>("admission.refusals",
            description: "Calls refused at admission with RESOURCE_EXHAUSTED, by reason (capacity, participant_in_flight, rate_limit)");

    public static readonly Counter<long> ResendsJoined =
        Meter.CreateCounter<long>("grpc.resends_joined", description: "Writes that joined an identical attempt still running instead of running again");

    private static long _writesInFlight;

    // The saturation signal the HorizontalPodAutoscaler scales on (k8s/base/hpa.yaml): writes admitted and not yet
    // answered. It nears FloorPay:Admission:MaxWritesInFlight as the silo falls behind, before refusals start. Observed
    // at each scrape, so the series exists from the start (an HPA metric that is missing never scales down).
    public static readonly ObservableGauge<long> WritesInFlight =
        Meter.CreateObservableGauge("admission.writes_in_flight", () => Volatile.Read(ref _writesInFlight),
            description: "Writes admitted and not yet answered");

    /// <summary>Every reason <see cref="Refusals"/> records.</summary>
    public static readonly string[] RefusalReasons = ["capacity", "participant_in_flight", "rate_limit", "too_large", "streams_per_bank", "streams"];

    /// <summary>
    /// Records zero on the counters that move only on rare events, so their series exist from start-up: rate() and
    /// increase() need a sample before the first event, and a panel then shows 0 rather than "no data".
    /// </summary>
    public static void StartAtZero()
    {
        foreach (var reason in RefusalReasons) Refusals.Add(0, new KeyValuePair<string, object?>("reason", reason));
        ResendsJoined.Add(0);
    }

    public static void WriteAdmitted() => Interlocked.Increment(ref _writesInFlight);

    public static void WriteAnswered() => Interlocked.Decrement(ref _writesInFlight);
}
