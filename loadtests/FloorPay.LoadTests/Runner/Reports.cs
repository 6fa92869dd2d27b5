using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace FloorPay.LoadTests.Runner;

/// <summary>The run's report: a Markdown summary, a JSON file, an HTML page with charts, and the raw histograms.</summary>
public static class Reports
{
    private static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Markdown(RunResult r)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {r.Scenario}: {(r.Passed ? "PASSED" : "FAILED")}");
        md.AppendLine();
        md.AppendLine($"Started {r.StartedAt:u}; measured {r.Measured.TotalSeconds:0.#} s (warm-up excluded). Latency is measured from each " +
                      "request's intended start.");
        if (r.AbortReason is not null) md.AppendLine().AppendLine($"**Aborted:** {r.AbortReason}");
        md.AppendLine();
        md.AppendLine("| step | requests | ok | failed | dropped | rps | ok/s | p50 ms | p75 ms | p95 ms | p99 ms | p99.9 ms | max ms |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in r.Steps.Append(r.All))
            md.AppendLine($"| {s.Name} | {s.Requests} | {s.Ok} | {s.Failed} | {s.Dropped} | {F(s.RequestsPerSecond)} | {F(s.OkPerSecond)} | " +
                          $"{F(s.PercentileMs(50))} | {F(s.PercentileMs(75))} | {F(s.PercentileMs(95))} | {F(s.PercentileMs(99))} | " +
                          $"{F(s.PercentileMs(99.9))} | {F(s.MaxMs)} |");
        md.AppendLine();
        md.AppendLine("| step | status | count | p50 ms | p99 ms | max ms |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var s in r.Steps)
            foreach (var (status, count) in s.ByStatus.OrderByDescending(kv => kv.Value))
                md.AppendLine($"| {s.Name} | {status} | {count} | {F(s.PercentileMs(status, 50))} | {F(s.PercentileMs(status, 99))} | {F(s.PercentileMs(status, 100))} |");
        if (r.StartLag is { } lag && lag.MaxMs > 0)
        {
            md.AppendLine();
            md.AppendLine($"Runner start lag (intended start to first request, already inside the latencies above): p50 {F(lag.P50Ms)} ms, " +
                          $"p99 {F(lag.P99Ms)} ms, max {F(lag.MaxMs)} ms.");
        }
        if (r.Thresholds.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("| threshold | measured | result |");
            md.AppendLine("|---|---|---|");
            foreach (var t in r.Thresholds) md.AppendLine($"| `{t.Threshold.Text}` | {t.Measured:0.###} | {(t.Passed ? "pass" : "**FAIL**")} |");
        }
        if (r.Integrity is { } integrity)
        {
            md.AppendLine();
            md.AppendLine($"Integrity check: **{(integrity.Passed ? "passed" : "FAILED")}**");
            foreach (var line in integrity.Details) md.AppendLine($"- {line}");
        }
        return md.ToString();
    }

    public static string Json(RunResult r) => JsonSerializer.Serialize(new
    {
        scenario = r.Scenario,
        passed = r.Passed,
        startedAt = r.StartedAt,
        measuredSeconds = r.Measured.TotalSeconds,
        abortReason = r.AbortReason,
        steps = r.Steps.Append(r.All).Select(s => new
        {
            name = s.Name, requests = s.Requests, ok = s.Ok, failed = s.Failed, dropped = s.Dropped, rps = s.RequestsPerSecond, okPerSecond = s.OkPerSecond,
            latencyMs = new { p50 = s.PercentileMs(50), p75 = s.PercentileMs(75), p95 = s.PercentileMs(95), p99 = s.PercentileMs(99), p999 = s.PercentileMs(99.9), max = s.MaxMs },
            byStatus = s.ByStatus.ToDictionary(kv => kv.Key, kv => new
            {
                count = kv.Value, p50 = s.PercentileMs(kv.Key, 50), p99 = s.PercentileMs(kv.Key, 99), max = s.PercentileMs(kv.Key, 100),
            }),
        }),
        timeline = r.Timeline,
        thresholds = r.Thresholds.Select(t => new { threshold = t.Threshold.Text, measured = t.Measured, passed = t.Passed }),
        integrity = r.Integrity,
        runnerStartLagMs = r.StartLag,
    }, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Writes summary.md, report.json, report.html (with charts) and one raw histogram log per step into <paramref name="directory"/>.</summary>
    public static void Write(RunResult r, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "summary.md"), Markdown(r));
        File.WriteAllText(Path.Combine(directory, "report.json"), Json(r));
        foreach (var s in r.Steps.Append(r.All))
        {
            using var file = File.Create(Path.Combine(directory, $"latency-{s.Name}.hlog"));
            using var writer = new HistogramLogWriter(file);
            writer.Write(r.StartedAt.UtcDateTime, s.Latency);
        }
        Charts.Write(r, directory);
        File.WriteAllText(Path.Combine(directory, "report.html"), Html(r));
    }

    private static string Html(RunResult r)
    {
        var body = Markdig(Markdown(r));
        return $$"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>{{r.Scenario}}</title>
            <style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>
            </head><body>
            {{body}}
            <h2>Throughput over time</h2><img src="throughput.png" alt="throughput over time">
            <h2>Latency over time</h2><img src="latency.png" alt="latency p50 and p99 over time">
            <h2>Latency percentile distribution</h2><img src="percentiles.png" alt="latency by percentile">
            </body></html>
            """;
    }

    /// <summary>Just enough Markdown to HTML for the summary: headings, tables, bullets and bold.</summary>
    private static string Markdig(string markdown)
    {
        var html = new StringBuilder();
        var inTable = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = System.Net.WebUtility.HtmlEncode(raw.TrimEnd()).Replace("`", "");
            line = System.Text.RegularExpressions.Regex.Replace(line, @"\*\*(.+?)\*\*", "<b>$1</b>");
            if (line.StartsWith('|'))
            {
                if (line.StartsWith("|---", StringComparison.Ordinal)) continue;
                if (!inTable) { html.Append("<table>"); inTable = true; }
                html.Append("<tr>").Append(string.Concat(line.Trim('|').Split('|').Select(c => $"<td>{c.Trim()}</td>"))).Append("</tr>");
                continue;
            }
            if (inTable) { html.Append("</table>"); inTable = false; }
            if (line.StartsWith("# ", StringComparison.Ordinal)) html.Append($"<h1>{line[2..]}</h1>");
            else if (line.StartsWith("- ", StringComparison.Ordinal)) html.Append($"<li>{line[2..]}</li>");
            else if (line.Length > 0) html.Append($"<p>{line}</p>");
        }
        if (inTable) html.Append("</table>");
        return html.ToString();
    }
}
