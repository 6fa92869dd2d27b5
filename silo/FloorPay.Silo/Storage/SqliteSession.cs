using Microsoft.Data.Sqlite;

namespace FloorPay.Silo.Storage;

/// <summary>
/// One SQLite connection kept open, with each statement prepared once, for a loop that uses it a batch at a time.
/// Parsing and planning every statement again for every batch was the largest part of SQLite's CPU in a surge.
/// A batch that fails closes the connection (it may be mid-transaction or broken); the next batch opens a fresh one.
/// </summary>
internal sealed class SqliteSession(string connectionString) : IAsyncDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;

    public async Task<T> UseAsync<T>(Func<SqliteConnection, Task<T>> batch, CancellationToken cancellation)
    {
        await _turn.WaitAsync(cancellation);
        try
        {
            return await batch(_connection ??= await OpenAsync(cancellation));
        }
        catch
        {
            await CloseAsync();
            throw;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// The statement <paramref name="sql"/>, prepared on first use, bound to <paramref name="tx"/>; its parameters are
    /// @c0 … @c(width-1), positional in <see cref="SqliteCommand.Parameters"/>. Only valid inside <see cref="UseAsync{T}"/>.
    /// </summary>
    public SqliteCommand Prepared(string sql, int width, SqliteTransaction tx)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _connection!.CreateCommand();
            for (var c = 0; c < width; c++) command.Parameters.Add(new SqliteParameter { ParameterName = $"@c{c}" });
            command.CommandText = sql;
            command.Transaction = tx;
            command.Prepare();
            _prepared[sql] = command;
        }
        command.Transaction = tx;
        return command;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellation);
            // Grain state shares this file's single write lock. Without a busy timeout, Microsoft.Data.Sqlite answers a
            // held lock by sleeping 150 ms at a time; SQLite's own busy handler retries within milliseconds.
            await using var wait = connection.CreateCommand();
            wait.CommandText = "PRAGMA busy_timeout = 10000;";
            await wait.ExecuteNonQueryAsync(cancellation);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync(); // not the session's yet: nothing else would close it
            throw;
        }
    }

    private async Task CloseAsync()
    {
        foreach (var command in _prepared.Values) await command.DisposeAsync();
        _prepared.Clear();
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _turn.WaitAsync();
        try { await CloseAsync(); }
        finally { _turn.Release(); }
    }
}
