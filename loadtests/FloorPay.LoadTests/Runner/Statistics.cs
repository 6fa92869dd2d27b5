using System.Collections.Concurrent;
using HdrHistogram;

namespace FloorPay.LoadTests.Runner;

/// <summary>A step's results: counts by status, and latencies (µs in the histogram) from each request's intended start.</summary>
public sealed record StepStatistics(
    string Name,
    long Ok,
    long Failed,
    long Dropped,
    TimeSpan Duration,
    IReadOnlyDictionary<string, long> ByStatus,
    LongHistogram Latency,
    IReadOnlyDictionary<string, LongHistogram> LatencyByStatus)
{
    /// <summary>A percentile of the latencies of one status only (e.g. how fast refusals are), in ms.</summary>
    public double PercentileMs(string status, double percentile) =>
        LatencyByStatus.TryGetValue(status, out var h) && h.TotalCount > 0 ? h.GetValueAtPercentile(percentile) / 1000.0 : 0;

    public long Requests => Ok + Failed;
    public double RequestsPerSecond => Duration > TimeSpan.Zero ? Requests / Duration.TotalSeconds : 0;
    public double OkPerSecond => Duration > TimeSpan.Zero ? Ok / Duration.TotalSeconds : 0;
    public double PercentileMs(double percentile) => Latency.TotalCount == 0 ? 0 : Latency.GetValueAtPercentile(percentile) / 1000.0;
    public double MaxMs => Latency.TotalCount == 0 ? 0 : Latency.GetMaxValue() / 1000.0;
}

/// <summary>One second of the measured run: throughput and latency over time.</summary>
/// <summary>The runner's own lag between an arrival's intended start and the moment its first request began.</summary>
public sealed record RunnerLag(double P50Ms, double P99Ms, double MaxMs);

public sealed record SecondSample(int Second, long Ok, long Failed, long Dropped, double P50Ms, double P99Ms);

/// <summary>Thread-safe collection of what happened, per step and per second.</summary>
internal sealed class Recorder(IReadOnlyList<string> steps)
{
    public const long MaxMicros = 120_000_000;

    private sealed class StepCell
    {
        public readonly LongHistogram Latency = new(MaxMicros, 3);
        public long Ok, Failed, Dropped;
        public readonly ConcurrentDictionary<string, long> ByStatus = new();
        public readonly ConcurrentDictionary<string, LongHistogram> LatencyByStatus = new();
    }

    private sealed class SecondCell
    {
        public readonly LongHistogram Latency = new(MaxMicros, 2);
        public long Ok, Failed, Dropped;
    }

    private readonly Dictionary<string, StepCell> _steps = steps.ToDictionary(s => s, _ => new StepCell());
    private readonly StepCell _all = new();
    private readonly ConcurrentDictionary<int, SecondCell> _seconds = new();

    public void Record(string step, StepOutcome outcome, long micros, int second)
    {
        micros = Math.Clamp(micros, 0, MaxMicros);
        foreach (var cell in new[] { _steps[step], _all })
        {
            lock (cell.Latency) cell.Latency.RecordValue(micros);
            if (outcome.Ok) Interlocked.Increment(ref cell.Ok); else Interlocked.Increment(ref cell.Failed);
            cell.ByStatus.AddOrUpdate(outcome.Status, 1, (_, n) => n + 1);
            var byStatus = cell.LatencyByStatus.GetOrAdd(outcome.Status, _ => new LongHistogram(MaxMicros, 3));
            lock (byStatus) byStatus.RecordValue(micros);
        }
        var s = _seconds.GetOrAdd(second, _ => new SecondCell());
        lock (s.Latency) s.Latency.RecordValue(micros);
        if (outcome.Ok) Interlocked.Increment(ref s.Ok); else Interlocked.Increment(ref s.Failed);
    }

    private readonly LongHistogram _startLag = new(MaxMicros, 3);

    /// <summary>How late the runner itself started a measured arrival (already inside every latency it records).</summary>
    public void StartLag(long micros)
    {
        lock (_startLag) _startLag.RecordValue(Math.Clamp(micros, 0, MaxMicros));
    }

    public RunnerLag Lag()
    {
        lock (_startLag)
            return _startLag.TotalCount == 0
                ? new RunnerLag(0, 0, 0)
                : new RunnerLag(_startLag.GetValueAtPercentile(50) / 1000.0, _startLag.GetValueAtPercentile(99) / 1000.0, _startLag.GetMaxValue() / 1000.0);
    }

    /// <summary>An arrival that could not start on time (the client's in-flight bound was full): counted, never skipped.</summary>
    public void Dropped(string step, int second)
    {
        Interlocked.Increment(ref _steps[step].Dropped);
        Interlocked.Increment(ref _all.Dropped);
        Interlocked.Increment(ref _seconds.GetOrAdd(second, _ => new SecondCell()).Dropped);
    }

    public StepStatistics Step(string name, TimeSpan duration) => Snapshot(name, _steps[name], duration);

    public StepStatistics All(TimeSpan duration) => Snapshot("all", _all, duration);

    public IReadOnlyList<SecondSample> Timeline() =>
        _seconds.OrderBy(kv => kv.Key).Select(kv =>
        {
            lock (kv.Value.Latency)
                return new SecondSample(kv.Key, kv.Value.Ok, kv.Value.Failed, kv.Value.Dropped,
                    kv.Value.Latency.TotalCount == 0 ? 0 : kv.Value.Latency.GetValueAtPercentile(50) / 1000.0,
                    kv.Value.Latency.TotalCount == 0 ? 0 : kv.Value.Latency.GetValueAtPercentile(99) / 1000.0);
        }).ToList();

    private static StepStatistics Snapshot(string name, StepCell cell, TimeSpan duration)
    {
        LongHistogram copy;
        lock (cell.Latency) copy = (LongHistogram)cell.Latency.Copy();
        var byStatus = cell.LatencyByStatus.ToDictionary(kv => kv.Key, kv => { lock (kv.Value) return (LongHistogram)kv.Value.Copy(); });
        return new StepStatistics(name, Interlocked.Read(ref cell.Ok), Interlocked.Read(ref cell.Failed), Interlocked.Read(ref cell.Dropped), duration,
            new Dictionary<string, long>(cell.ByStatus), copy, byStatus);
    }
}
