namespace FloorPay.Silo.Storage;

public enum StorageProvider
{
    /// <summary>Embedded SQLite file: the single-node default, no server needed.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: for clusters.</summary>
    PostgreSql,
}
