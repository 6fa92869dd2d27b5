using FloorPay.Gateway.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FloorPay.Gateway;

public static class GatewayExtensions
{
    /// <summary>gRPC services, JSON transcoding, reflection, health and authentication. Needs an IGrainFactory.</summary>
    public static IServiceCollection AddFloorPayGateway(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // The gateway's instruments exist from the start, not from the first call: the autoscaler reads one of them.
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Observability.GatewayMeters).TypeHandle);
        var topology = configuration.GetSection(FloorPayTopology.Section).Get<FloorPayTopology>() ?? new FloorPayTopology();
        if (topology.Regions.Count == 0) throw new InvalidOperationException("configure at least one region in FloorPay:Regions");
        if (topology.Funds.Count == 0) topology.Funds.Add(Grains.IFundGrain.National);
        services.AddSingleton(topology);

        var participants = configuration.GetSection("FloorPay:Participants").Get<List<ParticipantConfig>>() ?? [];
        services.AddSingleton(new ParticipantDirectory(participants, environment.IsDevelopment()));

        var limits = configuration.GetSection("FloorPay:Limits").Get<RequestLimits>() ?? new RequestLimits();
        if (limits.MaxGrpcMessageBytes < 1 || limits.MaxJsonBodyBytes < 1)
            throw new InvalidOperationException("FloorPay:Limits: MaxGrpcMessageBytes and MaxJsonBodyBytes must be positive");
        services.AddSingleton(limits);
        services.AddSingleton(configuration.GetSection("FloorPay:Admission").Get<AdmissionOptions>() ?? new AdmissionOptions());
        services.AddSingleton<AdmissionGate>();
        services.AddSingleton<AdmissionInterceptor>();
        // One table of running writes per node: interceptors are otherwise made per call.
        services.AddSingleton<ResendJoinInterceptor>();
        var streams = configuration.GetSection("FloorPay:Instructions").Get<InstructionStreamOptions>() ?? new InstructionStreamOptions();
        if (streams.MaxStreamsPerBank < 1 || streams.MaxStreams < 1 || streams.NoticeQueues < 1 || streams.NoticeQueuePeriod <= TimeSpan.Zero ||
            streams.NoticeCheckInterval <= TimeSpan.Zero || streams.HeartbeatInterval <= TimeSpan.Zero)
            throw new InvalidOperationException("FloorPay:Instructions: MaxStreamsPerBank, MaxStreams and NoticeQueues must be at least 1; " +
                                                "NoticeQueuePeriod, NoticeCheckInterval and HeartbeatInterval positive");
        services.AddSingleton(streams);
        services.AddSingleton<InstructionStreams>();
        services.AddHostedService(sp => sp.GetRequiredService<InstructionStreams>());
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<Observability.MetricsInterceptor>();
            o.Interceptors.Add<AuthenticationInterceptor>();
            o.Interceptors.Add<AdmissionInterceptor>();
            // After admission (a refusal stays cheap and the joined attempt is counted once), before the silo-loss retry.
            o.Interceptors.Add<ResendJoinInterceptor>();
            // Innermost, so that a call waiting out a lost silo keeps its admission slot and is measured once.
            o.Interceptors.Add<SiloLossRetryInterceptor>();
            o.EnableDetailedErrors = false;
            o.MaxReceiveMessageSize = limits.MaxGrpcMessageBytes;
        }).AddJsonTranscoding();
        services.AddGrpcReflection();
        // gRPC health reports SERVING only when every readiness check (added by the host) passes.
        services.AddGrpcHealthChecks();
        return services;
    }

    /// <summary>
    /// Authentication (both ports) and admission (native gRPC) before any request body is read: call after UseRouting
    /// (which reads only the path, and lets refusals be labelled with the method) and before the endpoints run.
    /// </summary>
    public static IApplicationBuilder UseFloorPayAdmission(this IApplicationBuilder app) =>
        app.UseMiddleware<ApiKeyMiddleware>().UseMiddleware<AdmissionMiddleware>();

    public static IEndpointRouteBuilder MapFloorPayGateway(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<CitizensService>();
        endpoints.MapGrpcService<PayoutsService>();
        endpoints.MapGrpcService<ContributionsService>();
        endpoints.MapGrpcService<FundsService>();
        endpoints.MapGrpcService<RegionsService>();
        endpoints.MapGrpcService<PoliciesService>();
        endpoints.MapGrpcService<AuditService>();
        endpoints.MapGrpcService<AppealsService>();
        endpoints.MapGrpcService<BulkService>();
        endpoints.MapGrpcService<InstructionsService>();
        endpoints.MapGrpcService<PaydayRunsService>();
        endpoints.MapGrpcReflectionService();
        endpoints.MapGrpcHealthChecksService();
        return endpoints;
    }
}
