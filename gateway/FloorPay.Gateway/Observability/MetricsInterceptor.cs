using System.Diagnostics;
using Grpc.Core.Interceptors;

namespace FloorPay.Gateway.Observability;

/// <summary>
/// Counts and times every call with the status the caller finally sees. It is the outermost interceptor, so refusals by
/// authentication and admission are counted too.
/// </summary>
public sealed class MetricsInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            throw;
        }
        catch
        {
            status = StatusCode.Unknown;
            throw;
        }
        finally
        {
            Record(context.Method, status, started);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            throw;
        }
        catch (OperationCanceledException)
        {
            status = StatusCode.Cancelled;
            throw;
        }
        finally
        {
            Record(context.Method, status, started);
        }
    }

    private static void Record(string method, StatusCode status, long started)
    {
        var label = GatewayMethods.Label(method);
        Describe(Activity.Current, label, status);
        var tags = new TagList { { "method", label }, { "status", status.ToString() } };
        GatewayMeters.Requests.Add(1, tags);
        GatewayMeters.RequestSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    /// <summary>
    /// The request's span (when traced) says which RPC it was and how it ended, by OpenTelemetry's RPC conventions. Only
    /// the server's own failures are errors: a refusal of bad input or a business rejection is the API working.
    /// </summary>
    private static void Describe(Activity? span, string method, StatusCode status)
    {
        if (span is null || !span.IsAllDataRequested || !span.Recorded) return;
        span.SetTag("rpc.system", "grpc");
        if (method != GatewayMethods.Unknown)
        {
            var slash = method.LastIndexOf('/');
            span.SetTag("rpc.service", method[1..slash]);
            span.SetTag("rpc.method", method[(slash + 1)..]);
        }
        span.SetTag("rpc.grpc.status_code", (int)status);
        if (status is StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Unimplemented or StatusCode.Internal
            or StatusCode.Unavailable or StatusCode.DataLoss)
            span.SetStatus(ActivityStatusCode.Error, status.ToString());
    }
}
