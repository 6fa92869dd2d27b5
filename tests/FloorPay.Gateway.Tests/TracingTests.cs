using System.Collections.ObjectModel;
using System.Diagnostics;
using FloorPay.Grains;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// OpenTelemetry tracing (FloorPay:Tracing) through the in-memory exporter: a call's spans from the gateway to the ledger,
/// and sampling that a caller cannot override. Tracer listeners are process-wide, so spans are picked by trace id.
/// </summary>
public sealed class TracingTests
{
    /// <summary>Spans as the exporter hands them over, from whichever thread ends them.</summary>
    private sealed class Spans : Collection<Activity>
    {
        protected override void InsertItem(int index, Activity item)
        {
            lock (this) base.InsertItem(index, item);
        }

        public List<Activity> Of(ActivityTraceId trace)
        {
            lock (this) return this.Where(s => s.TraceId == trace).ToList();
        }

        public List<Activity> Linking(ActivityContext context)
        {
            lock (this) return this.Where(s => s.Links.Any(l => l.Context.SpanId == context.SpanId && l.Context.TraceId == context.TraceId)).ToList();
        }
    }

    private static Task<FloorPayServer> StartTracedAsync(Spans spans, double ratio) =>
        FloorPayServer.StartAsync(configure: b =>
        {
            b.Configuration["FloorPay:Tracing:Enabled"] = "true";
            b.Configuration["FloorPay:Tracing:SampleRatio"] = ratio.ToString(System.Globalization.CultureInfo.InvariantCulture);
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
        });

    /// <summary>A bank's enrollment call carrying its own trace context, resent as a client would when refused for load.</summary>
    private static Task<EnrollResponse> EnrollTraced(FloorPayServer server, ActivityTraceId trace, ActivitySpanId callerSpan, bool sampledFlag)
    {
        var request = Requests.Enroll(Ids.Citizen(), "bank-a", "R-NORTH");
        var headers = new Metadata { { "traceparent", $"00-{trace.ToHexString()}-{callerSpan.ToHexString()}-{(sampledFlag ? "01" : "00")}" } };
        return Steps.Retrying(() => server.As(ApiKeys.BankA).Citizens.EnrollAsync(request, headers).ResponseAsync);
    }

    private static Activity? Parent(IEnumerable<Activity> spans, Activity span) => spans.FirstOrDefault(s => s.SpanId == span.ParentSpanId);

    [Fact]
    public async Task One_payout_is_one_trace_from_the_gateway_through_the_grain_calls_to_the_ledger_and_its_commit_links_to_it()
    {
        var spans = new Spans();
        await using var server = await StartTracedAsync(spans, ratio: 1.0);
        var trace = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        var response = await EnrollTraced(server, trace, callerSpan, sampledFlag: true);
        Assert.False(response.Replayed);
        Assert.NotNull(response.FirstPayout);

        // Spans are exported as they end; the request's own span ends just after its response is written.
        var mine = await Eventually.Satisfies(async () => { await Task.Yield(); return spans.Of(trace); },
            s => s.Any(x => x.Kind == ActivityKind.Server && x.GetTagItem("rpc.grpc.status_code") is 0)
                 && s.Any(x => x.OperationName == FloorPayTracing.LedgerAppend && x.GetTagItem("floorpay.ledger.result") is "Committed"),
            "the enrollment's gateway and ledger spans");

        // The gateway's span continues the bank's trace and names the RPC.
        var gateway = Assert.Single(mine, s => s.Kind == ActivityKind.Server && s.GetTagItem("rpc.grpc.status_code") is 0 && s.ParentSpanId == callerSpan);
        Assert.Equal("floorpay.v1.Citizens", gateway.GetTagItem("rpc.service"));
        Assert.Equal("Enroll", gateway.GetTagItem("rpc.method"));

        // The ledger append is a descendant of that span through an Orleans grain call (client span, then the grain's server span).
        var append = Assert.Single(mine, s => s.OperationName == FloorPayTracing.LedgerAppend && s.GetTagItem("floorpay.ledger.result") is "Committed");
        var chain = new List<Activity>();
        for (var span = Parent(mine, append); span is not null; span = Parent(mine, span)) chain.Add(span);
        Assert.Equal(gateway.SpanId, chain.Last().SpanId);
        Assert.All(chain, s => Assert.Equal(trace, s.TraceId));
        var grainServer = chain.FindIndex(s => s.Source.Name == Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName && s.Kind == ActivityKind.Server);
        Assert.True(grainServer >= 0, "a grain's server span: " + string.Join(" <- ", chain.Select(s => $"{s.Source.Name}:{s.DisplayName}:{s.Kind}")));
        var grainClient = Parent(mine, chain[grainServer]);
        Assert.NotNull(grainClient);
        Assert.Equal(ActivityKind.Client, grainClient.Kind);
        Assert.Equal(Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName, grainClient.Source.Name);
        Assert.Contains("CitizenGrain", chain[grainServer].DisplayName + " " + string.Join(" ", chain[grainServer].Tags.Select(t => t.Value)));

        // The commit that carried it is a trace of its own (it carries other calls too), linked to the append.
        var commit = Assert.Single(await Eventually.Satisfies(async () => { await Task.Yield(); return spans.Linking(append.Context); },
            c => c.Count > 0, "the commit linked to the append"));
        Assert.Equal(FloorPayTracing.LedgerCommit, commit.OperationName);
        Assert.NotEqual(trace, commit.TraceId);
        Assert.Equal(default, commit.ParentSpanId);
        Assert.Equal("sqlite", commit.GetTagItem("db.system"));
        Assert.True(commit.GetTagItem("floorpay.ledger.entries") is int entries && entries >= 1);
        Assert.Equal(ActivityStatusCode.Unset, commit.Status);
        Assert.True(commit.StartTimeUtc >= append.StartTimeUtc && commit.StartTimeUtc + commit.Duration <= append.StartTimeUtc + append.Duration + TimeSpan.FromSeconds(1),
            "the commit happened while the append waited");
    }

    [Fact]
    public async Task A_caller_cannot_make_the_node_trace_a_call_its_sample_ratio_leaves_out()
    {
        var spans = new Spans();
        await using var server = await StartTracedAsync(spans, ratio: 0.5);
        // The ratio sampler keeps a trace when its id's first 8 bytes, read as a number, fall below ratio x long.MaxValue.
        var leftOut = ActivityTraceId.CreateFromString("7fffffffffffffff0000000000000001");
        var kept = ActivityTraceId.CreateFromString("00000000000000010000000000000001");

        await EnrollTraced(server, leftOut, ActivitySpanId.CreateRandom(), sampledFlag: true);
        await EnrollTraced(server, kept, ActivitySpanId.CreateRandom(), sampledFlag: false);

        // The kept call is traced although its caller said "not sampled"; by the time its spans are in, the earlier
        // call's would be too, and there are none although its caller said "sampled".
        await Eventually.Satisfies(async () => { await Task.Yield(); return spans.Of(kept); },
            s => s.Any(x => x.Kind == ActivityKind.Server && x.GetTagItem("rpc.method") is "Enroll")
                 && s.Any(x => x.OperationName == FloorPayTracing.LedgerAppend), "the kept call's spans");
        Assert.Empty(spans.Of(leftOut));
    }
}
