namespace FloorPay.Silo.Observability;

/// <summary>Configuration section "FloorPay:Tracing". Off unless enabled or given an OTLP endpoint.</summary>
public sealed class TracingOptions
{
    /// <summary>Record spans (gRPC calls, grain calls, ledger appends and commits) for whatever exporter is configured.</summary>
    public bool Enabled { get; set; }

    /// <summary>Where to send spans over OTLP (e.g. http://otel-collector:4317); setting it switches tracing on.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>"grpc" (port 4317 by convention) or "http/protobuf" (4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>
    /// Share of traces recorded, chosen by trace id so every silo keeps or drops the same trace. A caller's own "sampled"
    /// flag does not count: a bank cannot make the node trace every one of its calls.
    /// </summary>
    public double SampleRatio { get; set; } = 1.0;

    public bool On => Enabled || !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>What makes this configuration unusable; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (!(SampleRatio is >= 0 and <= 1)) yield return "SampleRatio must be between 0 and 1";
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) &&
            !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return $"OtlpEndpoint must be an absolute http or https address, not '{OtlpEndpoint}'";
        if (OtlpProtocol is not ("grpc" or "http/protobuf"))
            yield return $"OtlpProtocol must be grpc or http/protobuf, not '{OtlpProtocol}'";
    }
}
