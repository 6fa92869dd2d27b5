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
}
