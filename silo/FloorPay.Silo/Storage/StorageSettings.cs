using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FloorPay.Silo.Storage;

/// <summary>Configuration section "FloorPay:Storage".</summary>
public sealed class StorageSettings
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>SQLite only: the folder holding floorpay.db (created if missing).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>PostgreSQL only: an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending schema migrations at start-up.</summary>
    public bool MigrateOnStart { get; set; } = true;

    public string SqliteFile => Path.GetFullPath(Path.Combine(DataDirectory, "floorpay.db"));

    public string EffectiveConnectionString => Provider switch
    {
        // Default Timeout makes a writer wait for SQLite's single write lock instead of failing at once.
        StorageProvider.Sqlite => $"Data Source={SqliteFile};Default Timeout=30;Pooling=True",
        _ => ConnectionString ?? throw new InvalidOperationException("FloorPay:Storage:ConnectionString is required for PostgreSql"),
    };

    // One data source (one connection pool) per store for the whole process, whoever opens a connection: the outbox,
    // audit, seals, migrations. The ledger writer keeps its own, tuned for its prepared statements.
    private static readonly ConcurrentDictionary<string, DbDataSource> Sources = new(StringComparer.Ordinal);

    /// <summary>The store's data source (created on first use, kept for the process).</summary>
    public DbDataSource DataSource => Sources.GetOrAdd(EffectiveConnectionString, cs => Provider == StorageProvider.Sqlite
        ? SqliteFactory.Instance.CreateDataSource(cs)
        : NpgsqlDataSource.Create(cs));

    /// <summary>An open connection to the store, from its one pool.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellation = default) =>
        await DataSource.OpenConnectionAsync(cancellation);

    /// <summary>The Orleans ADO.NET invariant. Orleans loads Microsoft.Data.Sqlite under the name "System.Data.SQLite".</summary>
    public string Invariant => Provider == StorageProvider.Sqlite ? "System.Data.SQLite" : "Npgsql";
}
