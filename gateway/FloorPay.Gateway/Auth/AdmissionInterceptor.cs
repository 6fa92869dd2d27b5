using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// Bounded admission (rule 12): a call over a bound is refused at once with RESOURCE_EXHAUSTED and a retry-after hint
/// (trailers "grpc-retry-pushback-ms" and "floorpay-retry-after-ms"), instead of queueing into a timeout that breeds
/// retry storms. Reads and writes have separate bounds; every participant has its own.
/// </summary>
public sealed class AdmissionInterceptor(AdmissionOptions options) : Interceptor
{
    private static readonly HashSet<string> Reads =
    [
        "/floorpay.v1.Citizens/GetStatement", "/floorpay.v1.Policies/GetPolicy", "/floorpay.v1.Funds/GetFund", "/floorpay.v1.Regions/GetRegion",
        "/floorpay.v1.Instructions/ListInstructions", "/floorpay.v1.Instructions/GetSettlementReport", "/floorpay.v1.Audit/ListFraudFlags",
        "/floorpay.v1.PaydayRuns/GetPaydayRun",
    ];

    private readonly ConcurrentDictionary<string, StrongBox> _perParticipant = new();
    private readonly StrongBox _writes = new();
    private readonly StrongBox _reads = new();

    private sealed class StrongBox { public int Value; }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.Method.StartsWith("/grpc.", StringComparison.Ordinal)) return await continuation(request, context);
        var (global, limit) = Reads.Contains(context.Method) ? (_reads, options.MaxReadsInFlight) : (_writes, options.MaxWritesInFlight);
        var mine = _perParticipant.GetOrAdd(context.Caller().Id, _ => new StrongBox());
        if (!TryEnter(global, limit))
            throw Refuse(context, "FloorPay is at capacity");
        if (!TryEnter(mine, options.MaxInFlightPerParticipant))
        {
            Interlocked.Decrement(ref global.Value);
            throw Refuse(context, "this participant has too many calls in flight");
        }
        try
        {
            return await continuation(request, context);
        }
        finally
        {
            Interlocked.Decrement(ref mine.Value);
            Interlocked.Decrement(ref global.Value);
        }
    }

    private static bool TryEnter(StrongBox counter, int limit)
    {
        if (Interlocked.Increment(ref counter.Value) <= limit) return true;
        Interlocked.Decrement(ref counter.Value);
        return false;
    }

    private RpcException Refuse(ServerCallContext context, string why)
    {
        var retry = options.RetryAfterMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var trailers = new Metadata { { "grpc-retry-pushback-ms", retry }, { "floorpay-retry-after-ms", retry } };
        return new RpcException(new Status(StatusCode.ResourceExhausted, $"{why}; nothing was done, retry after {retry} ms with the same idempotency key"), trailers);
    }
}
