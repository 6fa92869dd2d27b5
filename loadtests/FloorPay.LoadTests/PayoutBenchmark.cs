using FloorPay.V1;
using HdrHistogram;

namespace FloorPay.LoadTests;

/// <summary>
/// Durable floor payouts through the whole gRPC path: each request enrolls a new citizen, which pays the current
/// period's floor and is answered only after the ledger commit. Two models:
/// closed (N concurrent clients, as fast as the server answers: the capacity) and open (a fixed arrival rate, latency
/// measured from each request's intended start, so a stalled server cannot hide its stall).
/// </summary>
public sealed class PayoutBenchmark(GrpcChannel channel, string apiKey, string bankId)
{
    public sealed record Result(string Model, long Ok, long Failed, long Dropped, TimeSpan Duration, LongHistogram Latency, LongHistogram? SendLag = null)
    {
        /// <summary>How late the runner itself started requests (p99, ms): part of the latency that is not the server's.</summary>
        public string SendLagP99 => SendLag is null ? "-" : (SendLag.GetValueAtPercentile(99) / 1000.0).ToString("F1");

        public double PerSecond => Ok / Duration.TotalSeconds;

        public string Row(string name) =>
            $"| {name} | {Model} | {Ok} | {Failed} | {Dropped} | {PerSecond:F0} | {Ms(50)} | {Ms(90)} | {Ms(99)} | {Ms(99.9)} | {Latency.GetMaxValue() / 1000.0:F1} | {SendLagP99} |";

        // The histograms record microseconds.
        private string Ms(double percentile) => (Latency.GetValueAtPercentile(percentile) / 1000.0).ToString("F1");
    }

    private readonly Citizens.CitizensClient _client = new(channel);
    private readonly Metadata _auth = new() { { "authorization", $"Bearer {apiKey}" } };
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private long _sequence;

    private EnrollRequest NextRequest()
    {
        var n = Interlocked.Increment(ref _sequence);
        return new EnrollRequest
        {
            IdempotencyKey = $"b-{_run}-{n}",
            CitizenId = $"bench-{_run}-{n}",
            RegionId = (n % 4) switch { 0 => "R-NORTH", 1 => "R-SOUTH", 2 => "R-EAST", _ => "R-WEST" },
            PayoutAccount = new PayoutAccount { BankId = bankId, AccountToken = $"t{n % 1000}" },
        };
    }

    private async Task<bool> SendAsync()
    {
        try
        {
            await _client.EnrollAsync(NextRequest(), _auth, deadline: DateTime.UtcNow.AddSeconds(30));
            return true;
        }
        catch (RpcException)
        {
            return false;
        }
    }

    /// <summary>
    /// Closed model over bulk envelopes: each client sends envelopes of <paramref name="envelopeSize"/> enrollments.
    /// Throughput counts items (payouts); latency is per envelope.
    /// </summary>
    public async Task<Result> BulkAsync(int concurrency, int envelopeSize, TimeSpan duration, TimeSpan warmUp)
    {
        var policy = await new Policies.PoliciesClient(channel).GetPolicyAsync(new GetPolicyRequest(), _auth);
        if (policy.FirstPayout != "full") throw new InvalidOperationException("the bulk benchmark needs a policy whose first payout is full");
        var bulk = new Bulk.BulkClient(channel);
        var latency = new LongHistogram(60_000_000, 3);
        long ok = 0, failed = 0;
        var warmEnd = DateTime.UtcNow + warmUp;
        var end = warmEnd + duration;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (DateTime.UtcNow < end)
            {
                var envelope = new EnrollEnvelope { EnvelopeId = $"env-{_run}-{Interlocked.Increment(ref _sequence)}", ControlCount = envelopeSize };
                for (var i = 0; i < envelopeSize; i++) envelope.Items.Add(NextRequest());
                envelope.ControlAmount = new Money { MinorUnits = policy.FloorAmount.MinorUnits * envelopeSize, Currency = policy.Currency };
                var measured = DateTime.UtcNow >= warmEnd;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var result = await bulk.EnrollBatchAsync(envelope, _auth, deadline: DateTime.UtcNow.AddSeconds(60));
                    if (!measured) continue;
                    Interlocked.Add(ref ok, result.Succeeded);
                    Interlocked.Add(ref failed, result.Failed);
                }
                catch (RpcException)
                {
                    if (measured) Interlocked.Add(ref failed, envelopeSize);
                }
                if (measured) lock (latency) latency.RecordValue(Math.Min((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds, 60_000_000));
            }
        }));
        return new Result($"bulk, {concurrency} clients × {envelopeSize} items", ok, failed, 0, duration, latency);
    }

    public async Task<Result> ClosedAsync(int concurrency, TimeSpan duration, TimeSpan warmUp)
    {
        var latency = new LongHistogram(60_000_000, 3);
        long ok = 0, failed = 0;
        var measuring = false;
        var end = DateTime.UtcNow + warmUp + duration;
        var warmEnd = DateTime.UtcNow + warmUp;
        var watch = new Stopwatch();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (DateTime.UtcNow < end)
            {
                if (!measuring && DateTime.UtcNow >= warmEnd) { lock (latency) { if (!measuring) { measuring = true; watch.Start(); } } }
                var start = Stopwatch.GetTimestamp();
                var success = await SendAsync();
                if (!measuring) continue;
                var micros = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                lock (latency) latency.RecordValue(Math.Min(micros, 60_000_000));
                if (success) Interlocked.Increment(ref ok); else Interlocked.Increment(ref failed);
            }
        }));
        return new Result($"closed, {concurrency} clients", ok, failed, 0, watch.Elapsed, latency);
    }

    public async Task<Result> OpenAsync(int ratePerSecond, TimeSpan duration, TimeSpan warmUp, int maxInFlight)
    {
        var latency = new LongHistogram(60_000_000, 3);
        var lag = new LongHistogram(60_000_000, 3);
        long ok = 0, failed = 0, dropped = 0;
        var inFlight = new SemaphoreSlim(maxInFlight);
        var interval = Stopwatch.Frequency / (double)ratePerSecond;
        var total = (long)(ratePerSecond * (warmUp + duration).TotalSeconds);
        var warmCount = (long)(ratePerSecond * warmUp.TotalSeconds);
        var origin = Stopwatch.GetTimestamp();
        var tasks = new List<Task>();
        for (long i = 0; i < total; i++)
        {
            var intended = origin + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), intended);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            var measured = i >= warmCount;
            if (!inFlight.Wait(0))
            {
                // Could not start on time: counted, never silently skipped.
                if (measured) Interlocked.Increment(ref dropped);
                continue;
            }
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    if (measured)
                    {
                        var late = (long)Stopwatch.GetElapsedTime(intended).TotalMicroseconds;
                        lock (lag) lag.RecordValue(Math.Clamp(late, 0, 60_000_000));
                    }
                    var success = await SendAsync();
                    if (!measured) return;
                    // From the intended start, not the actual one: queueing in the client counts too.
                    var micros = (long)Stopwatch.GetElapsedTime(intended).TotalMicroseconds;
                    lock (latency) latency.RecordValue(Math.Min(micros, 60_000_000));
                    if (success) Interlocked.Increment(ref ok); else Interlocked.Increment(ref failed);
                }
                finally { inFlight.Release(); }
            }));
        }
        await Task.WhenAll(tasks);
        return new Result($"open, {ratePerSecond}/s", ok, failed, dropped, duration, latency, lag);
    }
}
