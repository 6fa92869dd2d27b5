namespace FloorPay.Gateway.Auth;

/// <summary>
/// How many single writes this gateway admits at once, following their measured latency against a target: while the
/// smoothed latency stays under it and the limit is in use, the limit grows; above it, the limit shrinks in proportion
/// (at most by half a step). By Little's law the limit settles near capacity × target, so admitted work keeps about the
/// target latency and the excess is refused at once instead of queueing into its callers' deadlines, while enough
/// writes stay in flight to fill the ledger's group commits. FloorPay:Admission:MaxWritesInFlight stays the ceiling,
/// MinWritesInFlight the floor.
/// </summary>
public sealed class WriteLimit
{
    private readonly Lock _lock = new();
    private readonly int _floor;
    private readonly int _ceiling;
    private readonly double _targetMs;
    private double _limit;
    private double _smoothedMs;
    private int _sinceStep;
    private int _current;

    public WriteLimit(int floor, int ceiling, int initial, TimeSpan target)
    {
        if (floor < 1 || ceiling < floor) throw new ArgumentException("need 1 <= floor <= ceiling");
        if (target <= TimeSpan.Zero) throw new ArgumentException("the latency target must be positive", nameof(target));
        (_floor, _ceiling, _targetMs) = (floor, ceiling, target.TotalMilliseconds);
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
            _smoothedMs = _smoothedMs == 0 ? ms : _smoothedMs + (ms - _smoothedMs) / 16;
            // One step per half window of answers: each step sees the effect of the last one.
            if (++_sinceStep < Math.Max(4, (int)_limit / 2)) return;
            if (_smoothedMs > _targetMs) _limit *= Math.Max(0.5, _targetMs / _smoothedMs);
            // Grow only while the limit is actually used: a quiet gateway must not drift to the ceiling and meet the
            // next surge with no protection.
            else if (inFlight * 2 >= _limit) _limit += Math.Max(1, _limit / 10);
            else return;
            _sinceStep = 0;
            _limit = Math.Clamp(_limit, _floor, _ceiling);
            Volatile.Write(ref _current, (int)_limit);
        }
    }
}
