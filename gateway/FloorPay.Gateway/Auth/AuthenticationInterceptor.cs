using Microsoft.Extensions.Logging;
using Grpc.Core.Interceptors;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// Hands every FloorPay call the participant that <see cref="ApiKeyMiddleware"/> authenticated before the body was read
/// (the services' role checks read it), and turns unexpected failures into statuses: storage and cluster trouble is
/// UNAVAILABLE (retry with the same key). Health and reflection stay open so that probes and tools work without a key.
/// </summary>
public sealed class AuthenticationInterceptor(ILogger<AuthenticationInterceptor> log) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    private void Authenticate(ServerCallContext context)
    {
        if (context.Method.StartsWith("/grpc.health.", StringComparison.Ordinal) ||
            context.Method.StartsWith("/grpc.reflection.", StringComparison.Ordinal)) return;
        // Only a path the middleware does not guard could arrive here without a caller: refuse it rather than trust it.
        if (context.GetHttpContext().Items[ApiKeyMiddleware.Authenticated] is not Participant participant)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or unknown API key"));
        CallerContext.Set(context, participant);
    }

    private static Metadata RetryHint => new() { { "grpc-retry-pushback-ms", "500" }, { "floorpay-retry-after-ms", "500" } };

    private RpcException Translate(Exception e, ServerCallContext context)
    {
        if (e is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
            return new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
        // Programming errors in this process are INTERNAL. Everything else comes from storage or the cluster (grains
        // refuse callers' mistakes with a Rejection, never an exception), and nothing was acknowledged: UNAVAILABLE.
        if (e is NullReferenceException or InvalidCastException or ArgumentException or FormatException or IndexOutOfRangeException)
        {
            log.LogError(e, "{Method} failed", context.Method);
            return new RpcException(new Status(StatusCode.Internal, "internal error"));
        }
        log.LogWarning(e, "{Method} failed transiently", context.Method);
        // The same hints as an admission refusal, so that clients back off alike.
        return new RpcException(new Status(StatusCode.Unavailable,
            "temporarily unavailable; nothing was acknowledged, retry with the same idempotency key"), RetryHint);
    }
}
