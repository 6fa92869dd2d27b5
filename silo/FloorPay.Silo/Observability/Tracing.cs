using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FloorPay.Silo.Observability;

/// <summary>
/// OpenTelemetry tracing (FloorPay:Tracing): one trace per API call, from the gateway's server span through the grain
/// calls (Orleans' activity propagation) to the ledger append; each ledger commit is a trace linked to the calls it carries.
/// </summary>
public static class Tracing
{
    /// <summary>The sources recorded: the gateway's requests come from ASP.NET Core's instrumentation.</summary>
    public static readonly string[] Sources = [FloorPayTracing.SourceName, Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName];

    /// <summary>Reads and checks FloorPay:Tracing; a bad value stops the start, like any other setting.</summary>
    public static TracingOptions Configured(IConfiguration config)
    {
        var options = config.GetSection("FloorPay:Tracing").Get<TracingOptions>() ?? new TracingOptions();
        var problems = options.Problems().Select(p => $"FloorPay:Tracing: {p}").ToList();
        if (problems.Count > 0) throw new Microsoft.Extensions.Options.OptionsValidationException("FloorPay:Tracing", typeof(TracingOptions), problems);
        return options;
    }

    public static void AddFloorPayTracing(this WebApplicationBuilder builder, TracingOptions options, int managementPort)
    {
        if (!options.On) return;
        // The same ratio whether or not the caller says "sampled": a remote flag would let any bank switch tracing fully on.
        var ratio = new TraceIdRatioBasedSampler(options.SampleRatio);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("floorpay", serviceInstanceId: Environment.MachineName))
            .WithTracing(t =>
            {
                t.SetSampler(new ParentBasedSampler(ratio, remoteParentSampled: ratio, remoteParentNotSampled: ratio));
                t.AddSource(Sources);
                // Scrapes and probes on the management listener are not calls anyone traces.
                t.AddAspNetCoreInstrumentation(o => o.Filter = c => c.Connection.LocalPort != managementPort);
                if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
                    t.AddOtlpExporter(o =>
                    {
                        o.Endpoint = new Uri(options.OtlpEndpoint);
                        o.Protocol = options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    });
            });
    }
}
