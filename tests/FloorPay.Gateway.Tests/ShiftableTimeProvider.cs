namespace FloorPay.Gateway.Tests;

/// <summary>
/// The system clock moved forward by an adjustable offset. Only the wall-clock reading is shifted (which is what decides the
/// current period); timers and timestamps stay real, so the silo keeps running normally while the calendar jumps.
/// </summary>
public sealed class ShiftableTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the calendar forward (never back: declarations and payouts must stay in time order).</summary>
    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "time only moves forward");
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    /// <summary>Steps the calendar back, as an NTP correction or a silo with a slow clock would (clock drills only).</summary>
    public void StepBack(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "a step back is a positive span");
        Interlocked.Add(ref _offsetTicks, -by.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
