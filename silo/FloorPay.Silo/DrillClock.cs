namespace FloorPay.Silo;

/// <summary>
/// The system clock moved by a fixed offset (FloorPay:Clock:Offset), so a drill or a load test can run a real process
/// in a later period (e.g. its payday) without waiting for the calendar. Refused outside Development: a production
/// ledger must carry real times. Only FloorPay's rules read it (<see cref="FloorPay.Grains.FloorPayTime"/>); Orleans keeps the
/// real clock.
/// </summary>
public sealed class DrillClock(TimeSpan offset) : TimeProvider
{
    public TimeSpan Offset => offset;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;

    /// <summary>The configured drill clock, or null when the node keeps the system's.</summary>
    public static DrillClock? From(IConfiguration config, IHostEnvironment environment)
    {
        var offset = config.GetValue<TimeSpan?>("FloorPay:Clock:Offset") ?? TimeSpan.Zero;
        if (offset == TimeSpan.Zero) return null;
        if (!environment.IsDevelopment())
            throw new InvalidOperationException("FloorPay:Clock:Offset moves the ledger's clock and is only allowed in the Development environment");
        return new DrillClock(offset);
    }
}
