namespace FloorPay.LoadTests.Runner;

/// <summary>
/// The font every chart is drawn in, shipped beside the runner (Fonts/). On a host without system fonts (a minimal
/// image, a CI runner, the benchmark machine) the charts otherwise come out with no title, labels, ticks or legend.
/// </summary>
internal static class ChartFont
{
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<string> Loaded = new(() =>
    {
        var fonts = Path.Combine(AppContext.BaseDirectory, "Fonts");
        ScottPlot.Fonts.AddFontFile(Family, Path.Combine(fonts, "DejaVuSans.ttf"), bold: false, italic: false);
        ScottPlot.Fonts.AddFontFile(Family, Path.Combine(fonts, "DejaVuSans-Bold.ttf"), bold: true, italic: false);
        ScottPlot.Fonts.Default = Family;
        return Family;
    });

    /// <summary>Registers the shipped font as ScottPlot's default (once); call before creating a plot.</summary>
    public static void Use() => _ = Loaded.Value;
}
