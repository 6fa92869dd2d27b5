using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using FloorPay.Gateway.Observability;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// Bounded admission (rule 12): a call over a bound is refused at once with RESOURCE_EXHAUSTED and a retry-after hint
/// (trailers "grpc-retry-pushback-ms" and "floorpay-retry-after-ms"), instead of queueing into a timeout that breeds
/// retry storms. Reads and writes have separate bounds; every participant has its own, and may have its own rate
/// limits (token buckets, reads apart from writes) from configuration.
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
    private readonly ConcurrentDictionary<(string Participant, bool Read), RateLimiter?> _rates = new();
    private readonly StrongBox _writes = new();
    private readonly StrongBox _reads = new();

    private sealed class StrongBox { public int Value; }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.Method.StartsWith("/grpc.", StringComparison.Ordinal)) return await continuation(request, context);
        var read = Reads.Contains(context.Method);
        var (global, limit) = read ? (_reads, options.MaxReadsInFlight) : (_writes, options.MaxWritesInFlight);
        var caller = context.Caller();
        if (RateOf(caller, read) is { } rate)
        {
            using var lease = rate.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                var after = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalMilliseconds) : options.RetryAfterMilliseconds;
                throw Refuse(context, $"this participant is over its {(read ? "read" : "write")} rate limit", "rate_limit", Math.Max(after, 1));
            }
        }
        var mine = _perParticipant.GetOrAdd(caller.Id, _ => new StrongBox());
        if (!TryEnter(global, limit))
            throw Refuse(context, "FloorPay is at capacity", "capacity");
        if (!TryEnter(mine, options.MaxInFlightPerParticipant))
        {
            Interlocked.Decrement(ref global.Value);
            throw Refuse(context, "this participant has too many calls in flight", "participant_in_flight");
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

    /// <summary>The participant's token bucket for reads or writes, or null when it has no rate limit.</summary>
    private RateLimiter? RateOf(Participant caller, bool read) =>
        _rates.GetOrAdd((caller.Id, read), key =>
        {
            var perSecond = (read ? caller.ReadsPerSecond ?? options.DefaultReadsPerSecond : caller.WritesPerSecond ?? options.DefaultWritesPerSecond);
            if (perSecond <= 0) return null;
            // Refill ten times a second (or once per token for slow rates), so the rate holds within the second.
            var (period, tokens) = perSecond >= 10 ? (TimeSpan.FromMilliseconds(100), (int)Math.Round(perSecond / 10)) : (TimeSpan.FromSeconds(1 / perSecond), 1);
            return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, (int)Math.Ceiling(perSecond * options.BurstSeconds)),
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });

    private RpcException Refuse(ServerCallContext context, string why, string reason, int? retryAfterMilliseconds = null)
    {
        GatewayMeters.Refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
        var retry = (retryAfterMilliseconds ?? options.RetryAfterMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var trailers = new Metadata { { "grpc-retry-pushback-ms", retry }, { "floorpay-retry-after-ms", retry } };
        return new RpcException(new Status(StatusCode.ResourceExhausted, $"{why}; nothing was done, retry after {retry} ms with the same idempotency key"), trailers);
    }
}
