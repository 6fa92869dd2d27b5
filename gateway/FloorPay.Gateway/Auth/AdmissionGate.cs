using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.RateLimiting;
using FloorPay.Gateway.Observability;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// The admission decision, shared by the middleware (native gRPC, decided before the request is even parsed) and the
/// interceptor (JSON-transcoded calls): in-flight bounds for writes and reads apart, per participant, and optional
/// per-participant rate limits (token buckets, reads apart from writes).
/// </summary>
public sealed class AdmissionGate(AdmissionOptions options)
{
    public static readonly HashSet<string> Reads =
    [
        "/floorpay.v1.Citizens/GetStatement", "/floorpay.v1.Policies/GetPolicy", "/floorpay.v1.Funds/GetFund", "/floorpay.v1.Regions/GetRegion",
        "/floorpay.v1.Instructions/ListInstructions", "/floorpay.v1.Instructions/GetSettlementReport", "/floorpay.v1.Audit/ListFraudFlags",
        "/floorpay.v1.PaydayRuns/GetPaydayRun",
    ];

    /// <summary>Writes that carry many items each: bounded by the fixed ceiling only, and not latency samples.</summary>
    public static readonly HashSet<string> Envelopes = ["/floorpay.v1.Bulk/EnrollBatch", "/floorpay.v1.Bulk/RequestFloorPayoutBatch"];

    internal sealed class Counter { public int Value; }

    /// <summary>The adaptive bound on single writes (null when FloorPay:Admission:AdaptiveWrites is off).</summary>
    public WriteLimit? WriteLimit { get; } = options.AdaptiveWrites
        ? new WriteLimit(Math.Min(options.MinWritesInFlight, options.MaxWritesInFlight), options.MaxWritesInFlight,
            initial: options.MaxWritesInFlight, options.WriteLatencyTarget)
        : null;

    private readonly ConcurrentDictionary<string, Counter> _perParticipant = new();
    private readonly ConcurrentDictionary<(string Participant, bool Read), RateLimiter?> _rates = new();
    private readonly Counter _writes = new();
    private readonly Counter _reads = new();

    /// <summary>A refusal: why (for metrics), what to tell the caller, and when to come back.</summary>
    public sealed record Refusal(string Reason, string Message, int RetryAfterMilliseconds);

    /// <summary>Admits the call (dispose the returned lease when it ends; call Succeeded first if it did) or refuses it.</summary>
    public (Lease? Lease, Refusal? Refused) TryAdmit(string method, Participant caller)
    {
        var read = Reads.Contains(method);
        var sampled = !read && WriteLimit is not null && !Envelopes.Contains(method);
        if (RateOf(caller, read) is { } rate)
        {
            using var token = rate.AttemptAcquire();
            if (!token.IsAcquired)
            {
                var after = token.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalMilliseconds) : options.RetryAfterMilliseconds;
                return (null, Refuse("rate_limit", $"this participant is over its {(read ? "read" : "write")} rate limit", Math.Max(after, 1)));
            }
        }
        var (global, limit) = read ? (_reads, options.MaxReadsInFlight) : (_writes, sampled ? WriteLimit!.Current : options.MaxWritesInFlight);
        var mine = _perParticipant.GetOrAdd(caller.Id, _ => new Counter());
        if (!TryEnter(global, limit)) return (null, Refuse("capacity", "FloorPay is at capacity", options.RetryAfterMilliseconds));
        if (!TryEnter(mine, options.MaxInFlightPerParticipant))
        {
            Interlocked.Decrement(ref global.Value);
            return (null, Refuse("participant_in_flight", "this participant has too many calls in flight", options.RetryAfterMilliseconds));
        }
        if (!read) GatewayMeters.WriteAdmitted();
        return (new Lease(global, mine, write: !read, sampled ? WriteLimit : null), null);
    }

    /// <summary>
    /// The refusal TryAdmit would give now for want of a slot, taking nothing: lets a call be refused at once, before
    /// its message is waited for, while the slot itself is only taken once the message is there.
    /// </summary>
    public Refusal? RefusalWhenFull(string method, Participant caller)
    {
        var read = Reads.Contains(method);
        var sampled = !read && WriteLimit is not null && !Envelopes.Contains(method);
        var (global, limit) = read ? (_reads, options.MaxReadsInFlight) : (_writes, sampled ? WriteLimit!.Current : options.MaxWritesInFlight);
        if (Volatile.Read(ref global.Value) >= limit) return Refuse("capacity", "FloorPay is at capacity", options.RetryAfterMilliseconds);
        if (_perParticipant.TryGetValue(caller.Id, out var mine) && Volatile.Read(ref mine.Value) >= options.MaxInFlightPerParticipant)
            return Refuse("participant_in_flight", "this participant has too many calls in flight", options.RetryAfterMilliseconds);
        return null;
    }

    private static Refusal Refuse(string reason, string why, int retryAfter) =>
        new(reason, $"{why}; nothing was done, retry after {retryAfter} ms with the same idempotency key", retryAfter);

    /// <summary>An admitted call's slot. A single write that succeeded is a latency sample for the adaptive limit
    /// (failures and refusals deeper down are not: their latency says nothing about the queue).</summary>
    public sealed class Lease : IDisposable
    {
        private readonly Counter _global;
        private readonly Counter _mine;
        private readonly bool _write;
        private readonly WriteLimit? _limit;
        private readonly long _admitted = Stopwatch.GetTimestamp();
        private readonly int _inFlight;
        private int _released;

        internal Lease(Counter global, Counter mine, bool write, WriteLimit? limit)
        {
            (_global, _mine, _write, _limit) = (global, mine, write, limit);
            _inFlight = Volatile.Read(ref global.Value);
        }

        /// <summary>Whether this call's outcome is a latency sample (a single write, with the adaptive limit on).</summary>
        public bool Samples => _limit is not null;

        public void Succeeded() => _limit?.Record(Stopwatch.GetElapsedTime(_admitted), _inFlight);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            Interlocked.Decrement(ref _mine.Value);
            Interlocked.Decrement(ref _global.Value);
            if (_write) GatewayMeters.WriteAnswered();
        }
    }

    private static bool TryEnter(Counter counter, int limit)
    {
        if (Interlocked.Increment(ref counter.Value) <= limit) return true;
        Interlocked.Decrement(ref counter.Value);
        return false;
    }

    /// <summary>The participant's token bucket for reads or writes, or null when it has no rate limit.</summary>
    private RateLimiter? RateOf(Participant caller, bool read) =>
        _rates.GetOrAdd((caller.Id, read), _ =>
        {
            var perSecond = read ? caller.ReadsPerSecond ?? options.DefaultReadsPerSecond : caller.WritesPerSecond ?? options.DefaultWritesPerSecond;
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
}
