namespace FloorPay.Silo.Storage;

/// <summary>
/// The project's schema history, oldest first: <c>Storage/Migrations/NNN.sqlite.sql</c> and <c>NNN.postgresql.sql</c>,
/// or one <c>NNN.sql</c> when the step is written in SQL both dialects run alike (a new table of text and bigint
/// columns), embedded in this assembly, each opening with <c>-- NNN: description</c>. Applied files are never edited;
/// a fix is a new version.
/// </summary>
public static class SchemaMigrations
{
    private const string ResourcePrefix = "FloorPay.Migrations.";

    public static readonly IReadOnlyList<Migration> All = Load();

    private static List<Migration> Load()
    {
        var assembly = typeof(SchemaMigrations).Assembly;
        return From(assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToDictionary(n => n[ResourcePrefix.Length..], n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return reader.ReadToEnd();
            }, StringComparer.Ordinal));
    }

    /// <summary>The migrations these files (by name) describe, oldest first; throws if a version is missing a dialect.</summary>
    internal static List<Migration> From(Dictionary<string, string> files)
    {
        var migrations = new List<Migration>();
        for (var version = 1; files.Count > 0; version++)
        {
            // Both dialects of every version, or the silo does not start: a store must never miss a step.
            var hasSqlite = files.Remove($"{version:D3}.sqlite.sql", out var sqlite);
            var hasPostgres = files.Remove($"{version:D3}.postgresql.sql", out var postgres);
            var hasBoth = files.Remove($"{version:D3}.sql", out var portable);
            if (hasBoth && !hasSqlite && !hasPostgres) sqlite = postgres = portable;
            else if (hasBoth || !hasSqlite || !hasPostgres)
                throw new InvalidOperationException($"schema migration {version:D3} needs either {version:D3}.sql or both {version:D3}.sqlite.sql and " +
                                                    $"{version:D3}.postgresql.sql (left over: {string.Join(", ", files.Keys)})");
            var description = Description(version, sqlite!);
            if (description != Description(version, postgres!))
                throw new InvalidOperationException($"schema migration {version:D3} has two descriptions, one per dialect");
            migrations.Add(new Migration(version, description, sqlite!, postgres!));
        }
        return migrations;
    }

    private static string Description(int version, string sql)
    {
        var header = $"-- {version:D3}: ";
        var first = sql.Split('\n', 2)[0].TrimEnd('\r');
        return first.StartsWith(header, StringComparison.Ordinal) ? first[header.Length..]
            : throw new InvalidOperationException($"schema migration {version:D3} must open with '{header}description'");
    }
}
