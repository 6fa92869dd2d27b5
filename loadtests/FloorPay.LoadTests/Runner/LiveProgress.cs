using Spectre.Console;

namespace FloorPay.LoadTests.Runner;

/// <summary>
/// Progress while a run goes: a live table in the terminal (Spectre.Console), or one plain line a second when the
/// output is redirected to a file or a CI log, where redrawing would only add noise.
/// </summary>
public static class LiveProgress
{
    /// <summary>Runs <paramref name="run"/>, handing it the progress callback to give the runner.</summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole? console, Func<Action<Progress>, Task<T>> run)
    {
        if (console is null) return await run(p => Console.Error.WriteLine(Line(p)));
        var table = new Table().Border(TableBorder.Rounded).Title("FloorPay load run")
            .AddColumns("progress", "elapsed", "ok", "failed", "dropped", "ok/s", "p99 ms", "in flight");
        table.AddRow("starting", "0 s", "0", "0", "0", "0", "0", "0");
        long lastOk = 0;
        var lastAt = TimeSpan.Zero;
        return await console.Live(table).AutoClear(false).StartAsync(async context =>
        {
            return await run(p =>
            {
                var seconds = (p.Elapsed - lastAt).TotalSeconds;
                var rate = seconds > 0 ? (p.Ok - lastOk) / seconds : 0;
                (lastOk, lastAt) = (p.Ok, p.Elapsed);
                lock (table)
                {
                    table.Rows.Update(0, 0, new Text(Bar(p)));
                    table.Rows.Update(0, 1, new Text($"{p.Elapsed.TotalSeconds:0}/{p.Total.TotalSeconds:0} s{(p.WarmingUp ? " warm-up" : "")}"));
                    table.Rows.Update(0, 2, new Text(p.Ok.ToString("N0", CultureInfo.InvariantCulture)));
                    table.Rows.Update(0, 3, new Markup(p.Failed == 0 ? "0" : $"[red]{p.Failed.ToString("N0", CultureInfo.InvariantCulture)}[/]"));
                    table.Rows.Update(0, 4, new Markup(p.Dropped == 0 ? "0" : $"[yellow]{p.Dropped.ToString("N0", CultureInfo.InvariantCulture)}[/]"));
                    table.Rows.Update(0, 5, new Text(rate.ToString("N0", CultureInfo.InvariantCulture)));
                    table.Rows.Update(0, 6, new Text(p.P99Ms.ToString("0.0", CultureInfo.InvariantCulture)));
                    table.Rows.Update(0, 7, new Text(p.InFlight.ToString(CultureInfo.InvariantCulture)));
                }
                context.Refresh();
            });
        });
    }

    /// <summary>The plain progress line.</summary>
    public static string Line(Progress p) =>
        $"{p.Elapsed.TotalSeconds,6:F0}/{p.Total.TotalSeconds:F0} s {(p.WarmingUp ? "warm-up " : "")}ok {p.Ok} failed {p.Failed} dropped {p.Dropped} " +
        $"p99 {p.P99Ms:F1} ms in flight {p.InFlight}";

    private static string Bar(Progress p)
    {
        const int width = 10;
        var done = p.Total > TimeSpan.Zero ? Math.Clamp(p.Elapsed / p.Total, 0, 1) : 0;
        var filled = (int)Math.Round(done * width);
        return $"[{new string('#', filled)}{new string('-', width - filled)}]";
    }
}
