using Prometheus;
using System.Net;
using FloorPay.Gateway;
using FloorPay.Gateway.Auth;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Configuration;
using FloorPay.Silo.Observability;
using Orleans.Dashboard;

namespace FloorPay.Silo;

/// <summary>
/// One process hosting an Orleans silo and the gRPC gateway. The defaults are the single-node embedded mode:
/// SQLite under ./data, localhost clustering, gRPC on 127.0.0.1:5080, JSON/HTTP on 127.0.0.1:5081, and metrics and
/// health on the management listener 127.0.0.1:5082.
/// </summary>
public static class FloorPayHost
{
    /// <summary>Configuration used when nothing overrides it: the single-node demo.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>
    {
        ["FloorPay:Regions:0"] = "R-NORTH",
        ["FloorPay:Regions:1"] = "R-SOUTH",
        ["FloorPay:Regions:2"] = "R-EAST",
        ["FloorPay:Regions:3"] = "R-WEST",
        ["FloorPay:Funds:0"] = IFundGrain.National,
        ["FloorPay:Listen:Address"] = "127.0.0.1",
        ["FloorPay:Listen:GrpcPort"] = "5080",
        ["FloorPay:Listen:HttpPort"] = "5081",
        ["FloorPay:Management:Address"] = "127.0.0.1",
        ["FloorPay:Management:Port"] = "5082",
        ["FloorPay:Orleans:ServiceId"] = "floorpay",
        ["FloorPay:Orleans:ClusterId"] = "floorpay-single",
        ["FloorPay:Orleans:SiloPort"] = "11111",
        ["FloorPay:Orleans:GatewayPort"] = "30000",
        ["FloorPay:Storage:Provider"] = nameof(StorageProvider.Sqlite),
        ["FloorPay:Storage:DataDirectory"] = "data",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        // Orleans' placement resilience logs two lines per new activation at Information: a surge's worth of noise.
        ["Logging:LogLevel:Polly"] = "Warning",
        // gRPC logs every refused call ("Error status code ... raised") at Information: a surge's refusals, and with JSON
        // logs each line carries its request's path, which for a refused JSON call holds the value that was refused.
        ["Logging:LogLevel:Grpc"] = "Warning",
        ["FloorPay:Logging:Format"] = "text",
    };

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Defaults first, so appsettings, environment variables and the command line all override them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });
        configure?.Invoke(builder);
        var config = builder.Configuration;
        ConfigureLogFormat(builder);

        if (builder.Environment.IsDevelopment() && !config.GetSection("FloorPay:Participants").Exists())
        {
            var demo = new Dictionary<string, string?>();
            for (var i = 0; i < ParticipantDirectory.DevelopmentDemo.Count; i++)
            {
                var p = ParticipantDirectory.DevelopmentDemo[i];
                demo[$"FloorPay:Participants:{i}:Id"] = p.Id;
                demo[$"FloorPay:Participants:{i}:Role"] = p.Role;
                demo[$"FloorPay:Participants:{i}:BankId"] = p.BankId;
                demo[$"FloorPay:Participants:{i}:ApiKey"] = p.ApiKey;
            }
            builder.Configuration.AddInMemoryCollection(demo);
        }

        // SQLite and the ADO.NET grain storage block a pool thread for each commit. With the pool's minimum at the core
        // count, a few blocked threads on a 1-2 core machine stall every request (refusals too) until the pool grows.
        var minThreads = config.GetValue("FloorPay:Runtime:MinThreads", 32);
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, minThreads), Math.Max(io, minThreads));

        var storage = config.GetSection("FloorPay:Storage").Get<StorageSettings>() ?? new StorageSettings();
        builder.Services.AddSingleton(storage);
        var drill = DrillClock.From(config, builder.Environment);
        if (storage.MigrateOnStart)
            await new SchemaMigrator(storage).MigrateAsync();
        // The stored book is every silo's truth; this silo's configured versions are published into it or refused.
        var policies = await PolicyPublication.PublishAsync(storage, PolicySettings.Configured(config), (drill ?? TimeProvider.System).GetUtcNow());
        var policyRefresh = config.GetValue("FloorPay:Policy:RefreshInterval", TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            new PolicyRefresh(storage, policies, policyRefresh, sp.GetRequiredService<ILogger<PolicyRefresh>>()));
        builder.Services.AddValidated<DividendOptions>(config, "FloorPay:Dividends", o => o.Problems());
        builder.Services.AddValidated<PayoutAccountOptions>(config, "FloorPay:Accounts", o => o.Problems());
        builder.Services.AddValidated<CitizenRecordLimits>(config, "FloorPay:CitizenLimits", o => o.Problems());
        builder.Services.AddValidated<PaydayOptions>(config, "FloorPay:Payday", o => o.Problems());
        builder.Services.AddValidated<MetricsOptions>(config, "FloorPay:Metrics", o => o.Problems());
        builder.Services.AddValidated<AuditTrail.AuditOptions>(config, "FloorPay:Audit", o => o.Problems());
        // The audit trail's sealer: chains what the ledger committed and signs a checkpoint, on a timer (docs/audit-format.md).
        var auditSigner = AuditTrail.AuditSigner.Configured(config, storage);
        if (auditSigner is not null) builder.Services.AddSingleton(auditSigner);
        builder.Services.AddSingleton(sp => new AuditTrail.AuditSeal(storage, sp.GetService<AuditTrail.AuditSigner>(),
            sp.GetKeyedService<TimeProvider>(FloorPayTime.Key) ?? TimeProvider.System, sp.GetRequiredService<AuditTrail.AuditOptions>().Lookback));
        builder.Services.AddHostedService<AuditTrail.AuditSealer>();
        if (drill is not null) builder.Services.AddKeyedSingleton<TimeProvider>(FloorPayTime.Key, drill);
        builder.Services.AddFloorPayGrainServices(policies);
        builder.Services.AddFloorPayLedger(storage, config.GetSection("FloorPay:Ledger").Get<LedgerOptions>());
        builder.Services.AddFloorPayGateway(config, builder.Environment);
        builder.Services.AddHealthChecks()
            .AddCheck<Health.StorageReadiness>("storage", tags: ["ready"])
            .AddCheck<Health.ClusterReadiness>("cluster", tags: ["ready"]);

        var listen = IPAddress.Parse(config["FloorPay:Listen:Address"]!);
        var managementPort = config.GetValue<int>("FloorPay:Management:Port");
        // Management requests are told apart by the port they arrived on (a Host header can name any port).
        if (managementPort <= 0 || managementPort == config.GetValue<int>("FloorPay:Listen:GrpcPort") || managementPort == config.GetValue<int>("FloorPay:Listen:HttpPort"))
            throw new InvalidOperationException("FloorPay:Management:Port must be a port of its own, apart from the API ports");
        var tracing = Tracing.Configured(config);
        var dashboard = config.GetValue<bool>("FloorPay:Dashboard:Enabled");
        builder.AddFloorPayTracing(tracing, managementPort);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Kestrel counts a stream the client reset (a deadline passed) until its handler ends, and closes the whole
            // connection when too many pile up (its rapid-reset defence). A payout finishes even when its caller gave up,
            // so impatient clients pile them up: allow more per connection; admission still bounds the work.
            k.Limits.Http2.MaxStreamsPerConnection = config.GetValue("FloorPay:Listen:MaxStreamsPerConnection", 512);
            // HTTP/2 pings on idle connections: a bank's stream whose peer vanished (a dead host, a dropped NAT entry) is
            // closed within delay + timeout instead of holding a stream slot forever.
            k.Limits.Http2.KeepAlivePingDelay = config.GetValue("FloorPay:Listen:KeepAlivePingDelay", TimeSpan.FromSeconds(20));
            k.Limits.Http2.KeepAlivePingTimeout = config.GetValue("FloorPay:Listen:KeepAlivePingTimeout", TimeSpan.FromSeconds(20));
            // Both API listeners: the front door lowers this per request to the gRPC or JSON bound (FloorPay:Limits).
            k.Limits.MaxRequestBodySize = (config.GetSection("FloorPay:Limits").Get<RequestLimits>() ?? new RequestLimits()).MaxRequestBodyBytes;
            k.Listen(listen, config.GetValue<int>("FloorPay:Listen:GrpcPort"), o => o.Protocols = HttpProtocols.Http2);
            k.Listen(listen, config.GetValue<int>("FloorPay:Listen:HttpPort"), o => o.Protocols = HttpProtocols.Http1);
            k.Listen(IPAddress.Parse(config["FloorPay:Management:Address"]!), managementPort, o => o.Protocols = HttpProtocols.Http1);
        });

        var notices = config.GetSection("FloorPay:Instructions").Get<InstructionStreamOptions>() ?? new InstructionStreamOptions();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = config["FloorPay:Orleans:ServiceId"]!;
                o.ClusterId = config["FloorPay:Orleans:ClusterId"]!;
            });
            var siloPort = config.GetValue<int>("FloorPay:Orleans:SiloPort");
            var gatewayPort = config.GetValue<int>("FloorPay:Orleans:GatewayPort");
            if (storage.Provider == StorageProvider.PostgreSql)
            {
                // A cluster: membership and reminders in PostgreSQL, each silo advertising its own address.
                var advertised = IPAddress.Parse(config["FloorPay:Orleans:AdvertisedAddress"] ?? "127.0.0.1");
                silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: config.GetValue<bool>("FloorPay:Orleans:ListenOnAnyAddress"));
                silo.UseAdoNetClustering(o => { o.Invariant = storage.Invariant; o.ConnectionString = storage.EffectiveConnectionString; });
                // How long a silo waits for a probe's answer before counting it missed: a killed silo is declared dead
                // after a few missed probes, and its grains are unreachable until then. Shorter detects a dead pod
                // sooner; too short declares a merely busy silo dead. Orleans' default (5 s) unless configured.
                if (config.GetValue<TimeSpan?>("FloorPay:Orleans:ProbeTimeout") is { } probeTimeout)
                    silo.Configure<ClusterMembershipOptions>(o => o.ProbeTimeout = probeTimeout);
                // Orleans ignores votes against a silo that sent a message within MaxProbeTimeout x missed-probe limit
                // (default 4 x ProbeTimeout x 3): a silo cut off by a partition is declared dead no sooner than that.
                if (config.GetValue<TimeSpan?>("FloorPay:Orleans:MaxProbeTimeout") is { } maxProbeTimeout)
                    silo.Configure<ClusterMembershipOptions>(o => o.MaxProbeTimeout = maxProbeTimeout);
                // Missed probes in a row before a silo votes another dead (Orleans' default 3).
                if (config.GetValue<int?>("FloorPay:Orleans:MissedProbesLimit") is { } missed)
                    silo.Configure<ClusterMembershipOptions>(o => o.NumMissedProbesLimit = missed);
                silo.UseAdoNetReminderService(o => { o.Invariant = storage.Invariant; o.ConnectionString = storage.EffectiveConnectionString; });
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: config["FloorPay:Orleans:ServiceId"]!, clusterId: config["FloorPay:Orleans:ClusterId"]!);
            }
            silo.AddFloorPayStorage(storage);
            // Trace context rides along grain calls, so a call's grain and ledger spans join the gateway's trace.
            if (tracing.On) silo.AddActivityPropagation();
            // The Orleans Dashboard profiles every grain call, so it is off unless switched on; its live log stream stays off.
            if (dashboard) silo.AddDashboard(o => o.HideTrace = true);
            // Instruction notices to banks' streams on every silo: in memory (a lost notice delays, the outbox is the truth),
            // subscriptions too (each silo checks and renews its own).
            if (notices.ClusterNotices ?? storage.Provider == StorageProvider.PostgreSql)
            {
                silo.AddMemoryGrainStorage("PubSubStore");
                silo.AddMemoryStreams(InstructionNotice.Provider, s =>
                {
                    s.ConfigurePartitioning(notices.NoticeQueues);
                    s.ConfigurePullingAgent(o => o.Configure(a => a.GetQueueMsgsTimerPeriod = notices.NoticeQueuePeriod));
                });
                silo.Services.AddSingleton<InstructionNoticePublisher>();
                silo.Services.AddHostedService(sp => sp.GetRequiredService<InstructionNoticePublisher>());
            }
        });

        var app = builder.Build();
        try
        {
            await StoredSettings.WriteAsync(storage, app.Services.GetRequiredService<PayoutAccountOptions>());
            if (app.Services.GetService<AuditTrail.AuditSigner>() is null)
                app.Logger.LogWarning("no audit signing key (FloorPay:Audit:SigningKeyFile): checkpoints are written unsigned and fail verification");
            if (drill is not null)
                app.Logger.LogWarning("drill clock: this node's time is moved by {Offset} (FloorPay:Clock:Offset)", drill.Offset);
            // The management listener serves metrics and HTTP health and nothing else; the API ports never serve them (they
            // show balances and every bank's outstanding amount, without a key). gRPC health stays on the gRPC port.
            // The dashboard's paths go on to the endpoints, where DashboardAccess serves them on this listener only.
            app.MapWhen(c => c.Connection.LocalPort == managementPort && !(dashboard && c.Request.Path.StartsWithSegments(DashboardAccess.Path)), management =>
            {
                // Liveness: the process answers HTTP. Readiness: it can reach its storage and is an active cluster member.
                management.UseHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
                management.UseHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
                {
                    Predicate = c => c.Tags.Contains("ready"),
                    ResponseWriter = async (context, report) =>
                    {
                        context.Response.ContentType = "text/plain";
                        await context.Response.WriteAsync(string.Join("\n", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} ({e.Value.Description})")));
                    },
                });
                // Prometheus text format: the gateway's, the ledger's and the grains' meters, Orleans' own meters, process metrics.
                management.UseMetricServer("/metrics");
                management.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
            app.UseRouting();
            app.UseFloorPayAdmission();
            app.MapFloorPayGateway();
            if (dashboard)
                app.MapOrleansDashboard(DashboardAccess.Path)
                    .AddEndpointFilter(new DashboardAccess(managementPort, app.Services.GetRequiredService<ParticipantDirectory>()));
            // Listening to the meters starts now, not at the first scrape, or every count made before it would be lost.
            MetricExposition.Start();
            FloorPayMeters.StartAtZero();
            FloorPay.Gateway.Observability.GatewayMeters.StartAtZero();
            app.MapGet("/", () => "FloorPay gateway: gRPC (h2c) on the gRPC port, JSON under /v1 on this port; metrics and health on the management port. See README.md.");
            return app;
        }
        catch
        {
            // A host refused after it was built (a setting that fails validation, storage that cannot be written) releases
            // what it built: the caller never gets it to dispose.
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// FloorPay:Logging:Format: "text" (the console default) or "json", one JSON object per line with the trace and
    /// span ids of the call that logged it, for log collectors.
    /// </summary>
    private static void ConfigureLogFormat(WebApplicationBuilder builder)
    {
        var format = builder.Configuration["FloorPay:Logging:Format"] ?? "text";
        if (format.Equals("text", StringComparison.OrdinalIgnoreCase)) return;
        if (!format.Equals("json", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"FloorPay:Logging:Format must be text or json, not '{format}'");
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
    }

    /// <summary>Where this host stores its state, for the start-up banner.</summary>
    public static string DataLocation(WebApplication app)
    {
        var storage = app.Services.GetRequiredService<StorageSettings>();
        return storage.Provider == StorageProvider.Sqlite ? storage.SqliteFile : "PostgreSQL (FloorPay:Storage:ConnectionString)";
    }
}
