using System.Diagnostics;
using SkiaSharp;

namespace FloorPay.LoadTests.Tests;

/// <summary>
/// The report's charts carry their text on a host with no fonts at all: the runner is run as its own process in a
/// mount namespace where the font directories are empty, and the chart's label margins must hold drawn glyphs.
/// </summary>
[Collection("runner")]
public sealed class ChartFontTests
{
    [Fact]
    public async Task Charts_have_their_labels_with_the_system_s_fonts_hidden()
    {
        var work = Directory.CreateTempSubdirectory("floorpay-fonts-").FullName;
        var output = Path.Combine(work, "report");

        // A mount namespace of its own where every font directory is an empty tmpfs (as root; CI runs as root): the
        // runner sees a host with no fonts at all, like a minimal image.
        var hide = string.Join("; ", FontDirectories.Select(d => $"if [ -d {d} ]; then mount -t tmpfs none {d}; fi"));
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--mount", "sh", "-c", $"{hide}; exec \"$@\"", "sh",
                     "dotnet", RunnerDll, "run", "self-test", "--phase", "inject:50/s:2s", "--param", "sleep-ms=1", "--plain", "--out", output })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"runner exited {process.ExitCode}:\n{await log}{await errors}");

        foreach (var chart in new[] { "throughput.png", "latency.png", "percentiles.png" })
        {
            using var image = SKBitmap.Decode(Path.Combine(output, chart));
            // The data area's frame: ScottPlot sizes the margins around it to the text it measured, so with no font the
            // frame reaches almost to the edges. Left of it (tick marks aside) are the y-axis tick labels and label,
            // below it the x-axis ones: with no font both are blank.
            var frameLeft = Enumerable.Range(0, image.Width / 4)
                .First(x => DarkPixels(image, x, x + 1, image.Height / 10, image.Height * 9 / 10) >= image.Height * 7 / 10);
            var frameBottom = Enumerable.Range(image.Height * 3 / 4, image.Height / 4).Reverse()
                .First(y => DarkPixels(image, image.Width / 10, image.Width * 9 / 10, y, y + 1) >= image.Width * 7 / 10);
            var left = DarkPixels(image, 0, Math.Max(0, frameLeft - 10), 0, image.Height);
            var bottom = DarkPixels(image, 0, image.Width, Math.Min(image.Height, frameBottom + 10), image.Height);
            Assert.True(left > 100, $"{chart}: {left} drawn pixels left of the frame (at x {frameLeft}), where the y-axis labels belong");
            Assert.True(bottom > 100, $"{chart}: {bottom} drawn pixels below the frame (at y {frameBottom}), where the x-axis labels belong");
        }
        Directory.Delete(work, recursive: true);
    }

    private static readonly string[] FontDirectories =
    [
        "/usr/share/fonts", "/usr/local/share/fonts", "/var/cache/fontconfig",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".fonts"),
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "fonts"),
    ];

    private static int DarkPixels(SKBitmap image, int x0, int x1, int y0, int y1)
    {
        var dark = 0;
        for (var y = y0; y < y1; y++)
            for (var x = x0; x < x1; x++)
            {
                var c = image.GetPixel(x, y);
                if (c.Alpha > 0 && c.Red + c.Green + c.Blue < 3 * 128) dark++;
            }
        return dark;
    }

    /// <summary>The runner this test project built, from the same configuration.</summary>
    private static string RunnerDll
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = dir.Parent!.Name; // .../bin/<Configuration>/net10.0/
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FloorPay.sln"))) dir = dir.Parent;
            var dll = Path.Combine(dir!.FullName, "loadtests", "FloorPay.LoadTests", "bin", configuration, "net10.0", "FloorPay.LoadTests.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build the solution first", dll);
        }
    }
}
