namespace FloorPay.LoadTests.Runner;

/// <summary>The report's charts, as PNG files beside it (ScottPlot).</summary>
internal static class Charts
{
    public static void Write(RunResult r, string directory)
    {
        ChartFont.Use();
        var seconds = r.Timeline.Select(s => (double)s.Second).ToArray();
        if (seconds.Length == 0) seconds = [0];
        var samples = r.Timeline.Count == 0 ? [new SecondSample(0, 0, 0, 0, 0, 0)] : r.Timeline;

        var throughput = new ScottPlot.Plot();
        throughput.Add.Scatter(seconds, samples.Select(s => (double)s.Ok).ToArray()).LegendText = "ok/s";
        throughput.Add.Scatter(seconds, samples.Select(s => (double)s.Failed).ToArray()).LegendText = "failed/s";
        throughput.Add.Scatter(seconds, samples.Select(s => (double)s.Dropped).ToArray()).LegendText = "dropped/s";
        throughput.XLabel("second of the measured run");
        throughput.YLabel("requests per second");
        throughput.ShowLegend();
        throughput.SavePng(Path.Combine(directory, "throughput.png"), 900, 360);

        var latency = new ScottPlot.Plot();
        latency.Add.Scatter(seconds, samples.Select(s => s.P50Ms).ToArray()).LegendText = "p50";
        latency.Add.Scatter(seconds, samples.Select(s => s.P99Ms).ToArray()).LegendText = "p99";
        latency.XLabel("second of the measured run");
        latency.YLabel("latency from intended start (ms)");
        latency.ShowLegend();
        latency.SavePng(Path.Combine(directory, "latency.png"), 900, 360);

        double[] percentiles = [50, 75, 90, 95, 99, 99.9, 99.99, 100];
        var distribution = new ScottPlot.Plot();
        foreach (var step in r.Steps)
        {
            var xs = percentiles.Select(p => -Math.Log10(1 - Math.Min(p, 99.999) / 100)).ToArray();
            distribution.Add.Scatter(xs, percentiles.Select(p => p >= 100 ? step.MaxMs : step.PercentileMs(p)).ToArray()).LegendText = step.Name;
        }
        distribution.XLabel("percentile (1 = p90, 2 = p99, 3 = p99.9)");
        distribution.YLabel("latency (ms)");
        distribution.ShowLegend();
        distribution.SavePng(Path.Combine(directory, "percentiles.png"), 900, 360);
    }
}
