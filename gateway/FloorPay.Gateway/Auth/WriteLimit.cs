namespace FloorPay.Gateway.Auth;

/// <summary>
/// How many single writes this gateway admits at once, following their measured latency (Vegas-style): while writes
/// take about the least time seen (no queue in front of them) the limit grows; as they queue and take longer it
/// shrinks. Admitted work keeps its latency, and the excess is refused at once instead of waiting into its callers'
/// deadlines. FloorPay:Admission:MaxWritesInFlight stays the ceiling, MinWritesInFlight the floor.
/// </summary>
public sealed class WriteLimit
{
    private readonly Lock _lock = new();
    private readonly int _floor;
    private readonly int _ceiling;
    private readonly int _relearnEvery;
    private double _limit;
    private double _minLatencyMs;
    private long _samples;
    private int _current;

    /// <param name="relearnEvery">Samples after which the least latency is learnt again, so that a lasting change
    /// (a slower disk, more citizens per commit) moves the baseline instead of shrinking the limit for ever.</param>
    public WriteLimit(int floor, int ceiling, int initial, int relearnEvery = 10_000)
    {
        if (floor < 1 || ceiling < floor) throw new ArgumentException("need 1 <= floor <= ceiling");
        (_floor, _ceiling, _relearnEvery) = (floor, ceiling, relearnEvery);
        _limit = Math.Clamp(initial, floor, ceiling);
        _current = (int)_limit;
    }

    /// <summary>Writes that may be in flight now.</summary>
    public int Current => Volatile.Read(ref _current);

    /// <summary>One write's latency from admission to answer, and how many writes were in flight when it was admitted.</summary>
    public void Record(TimeSpan latency, int inFlight)
    {
        var ms = Math.Max(latency.TotalMilliseconds, 0.001);
        lock (_lock)
        {
            if (++_samples % _relearnEvery == 0 || _minLatencyMs == 0 || ms < _minLatencyMs) _minLatencyMs = ms;
            // Writes queued in front of the work itself: the part of the limit that only adds latency.
            var queued = _limit * (1 - _minLatencyMs / ms);
            var step = Math.Max(1, Math.Log10(_limit));
            if (queued > 6 * step) _limit -= step;
            // Grow only while the limit is actually used: a quiet gateway must not drift to the ceiling and meet the
            // next surge with no protection.
            else if (queued < 3 * step && inFlight * 2 >= _limit) _limit += step;
            _limit = Math.Clamp(_limit, _floor, _ceiling);
            Volatile.Write(ref _current, (int)_limit);
        }
    }
}
