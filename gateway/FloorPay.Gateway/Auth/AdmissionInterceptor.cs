using Grpc.Core.Interceptors;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// Bounded admission (rule 12) for calls the middleware did not already admit (JSON-transcoded ones): a call over a
/// bound or a rate limit is refused at once with RESOURCE_EXHAUSTED and a retry-after hint (trailers
/// "grpc-retry-pushback-ms" and "floorpay-retry-after-ms"), instead of queueing into a timeout that breeds retry storms.
/// </summary>
public sealed class AdmissionInterceptor(AdmissionGate gate) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.Method.StartsWith("/grpc.", StringComparison.Ordinal) || context.GetHttpContext().Items.ContainsKey(AdmissionMiddleware.Admitted))
            return await continuation(request, context);
        var (lease, refused) = gate.TryAdmit(context.Method, context.Caller());
        if (refused is not null)
        {
            GatewayMeters.Refusals.Add(1, new KeyValuePair<string, object?>("reason", refused.Reason));
            var retry = refused.RetryAfterMilliseconds.ToString(CultureInfo.InvariantCulture);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, refused.Message),
                new Metadata { { "grpc-retry-pushback-ms", retry }, { "floorpay-retry-after-ms", retry } });
        }
        using (lease)
        {
            var response = await continuation(request, context);
            lease!.Succeeded();
            return response;
        }
    }
}
