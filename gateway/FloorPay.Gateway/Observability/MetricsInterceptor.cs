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
        var tags = new TagList { { "method", GatewayMethods.Label(method) }, { "status", status.ToString() } };
        GatewayMeters.Requests.Add(1, tags);
        GatewayMeters.RequestSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }
}
