using Google.Protobuf.Reflection;

namespace FloorPay.Gateway.Observability;

/// <summary>
/// The closed set of method names a metric may carry as its "method" label (rule 13): the full names of the methods
/// this server implements, from the generated service descriptors; anything else is "unknown", so that made-up paths
/// cannot create new series.
/// </summary>
public static class GatewayMethods
{
    public const string Unknown = "unknown";

    public static readonly IReadOnlySet<string> All = new[]
        {
            V1.FloorpayReflection.Descriptor, Grpc.Health.V1.HealthReflection.Descriptor, Grpc.Reflection.V1Alpha.ReflectionReflection.Descriptor,
        }
        .SelectMany(file => file.Services)
        .SelectMany(service => service.Methods)
        .Select(FullName)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Methods whose response is a stream: bounded as streams, never admitted into the unary calls' slots.</summary>
    public static readonly IReadOnlySet<string> Streams = V1.FloorpayReflection.Descriptor.Services
        .SelectMany(service => service.Methods)
        .Where(method => method.IsServerStreaming)
        .Select(FullName)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>The label for <paramref name="method"/> (a gRPC path such as "/floorpay.v1.Citizens/Enroll").</summary>
    public static string Label(string? method) => method is not null && All.Contains(method) ? method : Unknown;

    private static string FullName(MethodDescriptor method) => $"/{method.Service.FullName}/{method.Name}";
}
