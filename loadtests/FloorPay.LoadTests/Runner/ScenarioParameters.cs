using System.Text.Json;

namespace FloorPay.LoadTests.Runner;

/// <summary>A scenario's parameters: from a JSON file (an object of strings or numbers), then --param name=value.</summary>
public sealed class ScenarioParameters(Dictionary<string, string> values)
{
    public static ScenarioParameters From(string? jsonFile, IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (jsonFile is not null)
            foreach (var p in JsonDocument.Parse(File.ReadAllText(jsonFile)).RootElement.EnumerateObject())
                values[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        foreach (var pair in pairs)
        {
            var i = pair.IndexOf('=');
            if (i <= 0) throw new ArgumentException($"--param takes name=value, not '{pair}'");
            values[pair[..i]] = pair[(i + 1)..];
        }
        return new ScenarioParameters(values);
    }

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public double Number(string name, double fallback) =>
        values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public IReadOnlyDictionary<string, string> All => values;
}
