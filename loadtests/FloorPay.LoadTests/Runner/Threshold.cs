using System.Text.RegularExpressions;

namespace FloorPay.LoadTests.Runner;

/// <summary>
/// A pass/fail rule on the results, e.g. "p99&lt;50ms", "errors&lt;0.1%", "rps&gt;2000", "goodput&gt;1200" (ok per
/// second), "dropped&lt;1%"; scoped to a step ("enroll:p95&lt;200ms") and/or to the requests that ended with one status
/// ("@ResourceExhausted:p99&lt;10ms", "@DeadlineExceeded:count&lt;1"). A breached threshold makes the run exit non-zero.
/// </summary>
public sealed partial record Threshold(string Text, string? Step, string Metric, bool LessThan, double Limit, string? Status = null)
{
    [GeneratedRegex(@"^(?:(?<step>[A-Za-z0-9._-]+)?(?:@(?<status>[A-Za-z]+))?:)?(?<metric>p50|p75|p90|p95|p99|p99\.9|max|errors|dropped|rps|goodput|count)(?<op>[<>])(?<value>[0-9.]+)(?<unit>ms|s|%)?$")]
    private static partial Regex Grammar();

    public static Threshold Parse(string text)
    {
        var m = Grammar().Match(text.Trim());
        if (!m.Success || (text.Trim().StartsWith(':')))
            throw new ArgumentException($"'{text}' is not a threshold (e.g. p99<50ms, errors<0.1%, rps>2000, goodput>1200, enroll:p95<200ms, @ResourceExhausted:p99<10ms)");
        var metric = m.Groups["metric"].Value;
        var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups["unit"].Value;
        var status = m.Groups["status"].Success ? m.Groups["status"].Value : null;
        var latency = metric.StartsWith('p') || metric == "max";
        if (latency && unit is not ("ms" or "s")) throw new ArgumentException($"'{text}': a latency threshold needs ms or s");
        if (metric is "errors" or "dropped" && unit != "%") throw new ArgumentException($"'{text}': an error or drop threshold is a percentage");
        if (metric is "rps" or "goodput" or "count" && unit != "") throw new ArgumentException($"'{text}': {metric} takes a plain number");
        if (status is not null && !latency && metric != "count")
            throw new ArgumentException($"'{text}': a status-scoped threshold is a latency or a count");
        // Latencies are compared in milliseconds.
        if (unit == "s") value *= 1000;
        return new Threshold(text, m.Groups["step"].Success ? m.Groups["step"].Value : null, metric, m.Groups["op"].Value == "<", value, status);
    }

    /// <summary>The measured value this threshold looks at, from a step's (or the whole run's) statistics.</summary>
    public double Measure(StepStatistics s) => (Metric, Status) switch
    {
        ("count", null) => s.Requests,
        ("count", var status) => s.ByStatus.GetValueOrDefault(status),
        ("max", null) => s.MaxMs,
        ("max", var status) => s.PercentileMs(status, 100),
        ("errors", _) => s.Requests == 0 ? 0 : 100.0 * s.Failed / s.Requests,
        ("dropped", _) => s.Requests + s.Dropped == 0 ? 0 : 100.0 * s.Dropped / (s.Requests + s.Dropped),
        ("rps", _) => s.RequestsPerSecond,
        ("goodput", _) => s.OkPerSecond,
        (_, null) => s.PercentileMs(Percentile),
        (_, var status) => s.PercentileMs(status, Percentile),
    };

    private double Percentile => double.Parse(Metric[1..], CultureInfo.InvariantCulture);

    public bool Holds(StepStatistics s) => LessThan ? Measure(s) < Limit : Measure(s) > Limit;
}
