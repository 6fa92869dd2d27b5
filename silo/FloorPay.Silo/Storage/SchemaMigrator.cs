namespace FloorPay.Silo.Storage;

/// <summary>
/// Applies pending migrations in order, each in its own transaction, then (re)writes the Orleans query rows.
/// On PostgreSQL an advisory lock serializes silos that start at the same time; on SQLite the write lock does.
/// </summary>
public sealed class SchemaMigrator(StorageSettings settings)
{
    // Arbitrary constant naming "the FloorPay schema" among advisory locks.
    private const long AdvisoryLockKey = 0x466C6F6F72506179;

    public int LatestVersion => SchemaMigrations.All[^1].Version;

    /// <summary>
    /// Returns the versions applied by this call (empty when the schema was current). <paramref name="upToVersion"/>
    /// stops at that version, to rehearse an upgrade on a store that has data from an older version.
    /// </summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellation = default, int? upToVersion = null)
    {
        if (settings.Provider == StorageProvider.Sqlite) Directory.CreateDirectory(Path.GetDirectoryName(settings.SqliteFile)!);
        await using var connection = await OpenAsync(cancellation);
        if (settings.Provider == StorageProvider.Sqlite)
        {
            // WAL lets readers proceed during writes; it is a property of the file, so set it once here.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellation);
        }
        else
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey});", cancellation);
        }
        try
        {
            await ExecuteAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS floorpay_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);",
                cancellation);
            var applied = new List<int>();
            foreach (var migration in SchemaMigrations.All.Where(m => m.Version <= (upToVersion ?? int.MaxValue)))
            {
                await using var tx = await connection.BeginTransactionAsync(cancellation);
                if (await IsAppliedAsync(connection, tx, migration.Version, cancellation))
                {
                    await tx.RollbackAsync(cancellation);
                    continue;
                }
                await ExecuteAsync(connection, tx, migration.For(settings.Provider), cancellation);
                await ExecuteAsync(connection, tx,
                    "INSERT INTO floorpay_schema (version, description, applied_at) VALUES (@v, @d, @t);", cancellation,
                    ("v", migration.Version), ("d", migration.Description), ("t", DateTimeOffset.UtcNow.ToString("O")));
                await tx.CommitAsync(cancellation);
                applied.Add(migration.Version);
            }
            if (upToVersion is null) await EnsureAppendOnlyAsync(connection, cancellation);
            await WriteQueriesAsync(connection, cancellation);
            return applied;
        }
        finally
        {
            if (settings.Provider == StorageProvider.PostgreSql)
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey});", CancellationToken.None);
        }
    }

    public async Task<int> CurrentVersionAsync(CancellationToken cancellation = default)
    {
        await using var connection = await OpenAsync(cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM floorpay_schema;";
        try { return Convert.ToInt32(await command.ExecuteScalarAsync(cancellation)); }
        catch (DbException) { return 0; }
    }

    private Task<DbConnection> OpenAsync(CancellationToken cancellation) => settings.OpenAsync(cancellation);

    /// <summary>
    /// Every journal table refuses UPDATE and DELETE, whichever migration made it: a kind added to
    /// <see cref="JournalTables"/> gets its triggers here, so its migration cannot forget them.
    /// </summary>
    private async Task EnsureAppendOnlyAsync(DbConnection connection, CancellationToken cancellation)
    {
        foreach (var table in JournalTables.All.Select(t => t.Name))
        {
            await using var count = connection.CreateCommand();
            count.CommandText = settings.Provider == StorageProvider.Sqlite
                ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @t AND sql LIKE '%RAISE(ABORT%'"
                : "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = to_regclass(@t) AND tgfoid = 'floorpay_append_only'::regproc";
            AddParameter(count, "t", table);
            var triggers = Convert.ToInt64(await count.ExecuteScalarAsync(cancellation));
            if (settings.Provider == StorageProvider.Sqlite && triggers < 2)
                await ExecuteAsync(connection, null,
                    $"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;" +
                    $"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;",
                    cancellation);
            else if (settings.Provider == StorageProvider.PostgreSql && triggers == 0)
                await ExecuteAsync(connection, null,
                    $"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();",
                    cancellation);
        }
    }

    private async Task WriteQueriesAsync(DbConnection connection, CancellationToken cancellation)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellation);
        var queries = GrainStateQueries.For(settings.Provider).AsEnumerable();
        if (settings.Provider == StorageProvider.PostgreSql) queries = queries.Concat(ClusterQueries.PostgreSql);
        foreach (var (key, text) in queries)
        {
            await ExecuteAsync(connection, tx,
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@k, @q) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;",
                cancellation, ("k", key), ("q", text));
        }
        await tx.CommitAsync(cancellation);
    }

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction tx, int version, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT COUNT(*) FROM floorpay_schema WHERE version = @v;";
        AddParameter(command, "v", version);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation)) > 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellation,
        params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) AddParameter(command, name, value);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
