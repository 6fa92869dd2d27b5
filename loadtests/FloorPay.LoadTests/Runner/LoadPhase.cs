namespace FloorPay.LoadTests.Runner;

/// <summary>
/// One phase of a load simulation. Open-model phases inject arrivals at a rate whatever the server does (a stalled
/// server cannot slow them down); closed-model phases keep a number of clients, each sending its next request when
/// the previous one is answered.
/// </summary>
public abstract record LoadPhase(TimeSpan Duration)
{
    public abstract bool Open { get; }

    /// <summary>Arrivals per second at <paramref name="t"/> into the phase (open model).</summary>
    public virtual double RateAt(TimeSpan t, Random random) => 0;

    /// <summary>Clients at <paramref name="t"/> into the phase (closed model).</summary>
    public virtual int ClientsAt(TimeSpan t) => 0;

    /// <summary>
    /// Parses "inject:2000/s:60s", "ramp:0-500/s:30s", "random:100-300/s:20s", "pause:5s", "keep:64:30s",
    /// "ramp-clients:1-64:30s". Durations take s, ms or m.
    /// </summary>
    public static LoadPhase Parse(string text)
    {
        var parts = text.Split(':');
        try
        {
            return parts[0] switch
            {
                "inject" when parts.Length == 3 => new InjectRate(Rate(parts[1]), Span(parts[2])),
                "ramp" when parts.Length == 3 => new RampRate(Rate(parts[1].Split('-')[0] + "/s"), Rate(parts[1].Split('-')[1]), Span(parts[2])),
                "random" when parts.Length == 3 => new RandomRate(Rate(parts[1].Split('-')[0] + "/s"), Rate(parts[1].Split('-')[1]), Span(parts[2])),
                "pause" when parts.Length == 2 => new Pause(Span(parts[1])),
                "keep" when parts.Length == 3 => new KeepClients(int.Parse(parts[1], CultureInfo.InvariantCulture), Span(parts[2])),
                "ramp-clients" when parts.Length == 3 => new RampClients(int.Parse(parts[1].Split('-')[0], CultureInfo.InvariantCulture),
                    int.Parse(parts[1].Split('-')[1], CultureInfo.InvariantCulture), Span(parts[2])),
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw new ArgumentException($"'{text}' is not a load phase (e.g. inject:2000/s:60s, ramp:0-500/s:30s, random:100-300/s:20s, " +
                                        "pause:5s, keep:64:30s, ramp-clients:1-64:30s)");
        }
    }

    private static double Rate(string text) =>
        text.EndsWith("/s", StringComparison.Ordinal) ? double.Parse(text[..^2], CultureInfo.InvariantCulture) : throw new FormatException();

    public static TimeSpan Span(string text) =>
        text.EndsWith("ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture))
        : text.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : text.EndsWith('m') ? TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : throw new FormatException();
}

public sealed record InjectRate(double PerSecond, TimeSpan Duration) : LoadPhase(Duration)
{
    public override bool Open => true;
    public override double RateAt(TimeSpan t, Random random) => PerSecond;
}

public sealed record RampRate(double From, double To, TimeSpan Duration) : LoadPhase(Duration)
{
    public override bool Open => true;
    public override double RateAt(TimeSpan t, Random random) => From + (To - From) * (t / Duration);
}

/// <summary>A rate drawn uniformly between the bounds, anew every second.</summary>
public sealed record RandomRate(double Min, double Max, TimeSpan Duration) : LoadPhase(Duration)
{
    private readonly Dictionary<int, double> _perSecond = [];
    public override bool Open => true;
    public override double RateAt(TimeSpan t, Random random)
    {
        var second = (int)t.TotalSeconds;
        lock (_perSecond)
        {
            if (!_perSecond.TryGetValue(second, out var rate)) _perSecond[second] = rate = Min + random.NextDouble() * (Max - Min);
            return rate;
        }
    }
}

public sealed record Pause(TimeSpan Duration) : LoadPhase(Duration)
{
    public override bool Open => true;
}

public sealed record KeepClients(int Clients, TimeSpan Duration) : LoadPhase(Duration)
{
    public override bool Open => false;
    public override int ClientsAt(TimeSpan t) => Clients;
}

public sealed record RampClients(int From, int To, TimeSpan Duration) : LoadPhase(Duration)
{
    public override bool Open => false;
    public override int ClientsAt(TimeSpan t) => (int)Math.Round(From + (To - From) * (t / Duration));
}
