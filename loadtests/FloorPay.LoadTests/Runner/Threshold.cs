using System.Globalization;
using System.Text.RegularExpressions;

namespace FloorPay.LoadTests.Runner;

/// <summary>
/// A pass/fail rule on the results, e.g. "p99&lt;50ms", "errors&lt;0.1%", "rps&gt;2000", "dropped&lt;1%", or scoped
/// to a step: "enroll:p95&lt;200ms". A breached threshold makes the run exit non-zero.
/// </summary>
public sealed partial record Threshold(string Text, string? Step, string Metric, bool LessThan, double Limit)
{
    [GeneratedRegex(@"^(?:(?<step>[A-Za-z0-9._-]+):)?(?<metric>p50|p75|p90|p95|p99|p99\.9|max|errors|dropped|rps)(?<op>[<>])(?<value>[0-9.]+)(?<unit>ms|s|%)?$")]
    private static partial Regex Grammar();

    public static Threshold Parse(string text)
    {
        var m = Grammar().Match(text.Trim());
        if (!m.Success) throw new ArgumentException($"'{text}' is not a threshold (e.g. p99<50ms, errors<0.1%, rps>2000, enroll:p95<200ms)");
        var metric = m.Groups["metric"].Value;
        var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups["unit"].Value;
        var latency = metric.StartsWith('p') || metric == "max";
        if (latency && unit is not ("ms" or "s")) throw new ArgumentException($"'{text}': a latency threshold needs ms or s");
        if (metric is "errors" or "dropped" && unit != "%") throw new ArgumentException($"'{text}': an error or drop threshold is a percentage");
        if (metric == "rps" && unit != "") throw new ArgumentException($"'{text}': rps takes a plain number");
        // Latencies are compared in milliseconds.
        if (unit == "s") value *= 1000;
        return new Threshold(text, m.Groups["step"].Success ? m.Groups["step"].Value : null, metric, m.Groups["op"].Value == "<", value);
    }

    /// <summary>The measured value this threshold looks at, from a step's (or the whole run's) statistics.</summary>
    public double Measure(StepStatistics s) => Metric switch
    {
        "errors" => s.Requests == 0 ? 0 : 100.0 * s.Failed / s.Requests,
        "dropped" => s.Requests + s.Dropped == 0 ? 0 : 100.0 * s.Dropped / (s.Requests + s.Dropped),
        "rps" => s.RequestsPerSecond,
        "max" => s.MaxMs,
        _ => s.PercentileMs(double.Parse(Metric[1..], CultureInfo.InvariantCulture)),
    };

    public bool Holds(StepStatistics s) => LessThan ? Measure(s) < Limit : Measure(s) > Limit;
}
