namespace FloorPay.Domain;

/// <summary>Derives the current period from an injected <see cref="TimeProvider"/>, so tests can move time.</summary>
public sealed class PeriodClock(TimeProvider time, PeriodLength length)
{
    public PeriodLength Length => length;

    public DateTimeOffset Now => time.GetUtcNow();

    public Period Current => Period.Containing(time.GetUtcNow(), length);

    public bool TryParse(string? text, out Period period) => Period.TryParse(text, length, out period);
}
