namespace FloorPay.Silo.Storage;

/// <summary>One versioned schema step, written once per dialect. Applied steps are never edited; fixes are new steps.</summary>
public sealed record Migration(int Version, string Description, string Sqlite, string PostgreSql)
{
    public string For(StorageProvider provider) => provider == StorageProvider.Sqlite ? Sqlite : PostgreSql;
}
