using System.Globalization;
using System.Text;
using Npgsql;

namespace FloorPay.Silo.AuditTrail;

/// <summary>
/// Seals what the ledger committed since the last seal: one chain per journal table, a record per new entry chained to
/// its predecessor, and a checkpoint signing every chain's head, all in one transaction. It reads after the commits, so
/// it costs the payout path nothing; what an operator changes in the database after a seal, verification finds.
/// </summary>
public sealed class AuditSeal(StorageSettings storage, AuditSigner? signer, TimeProvider time, TimeSpan lookback)
{
    /// <summary>The chained tables: every kind of journal entry and the administrative acts, each its own chain (its table's name).</summary>
    internal static IReadOnlyList<JournalTable> Tables { get; } = [.. JournalTables.All, SqlAdministrativeActs.Table];

    private sealed record Head(long Seq, string Hash);

    private sealed record ChainRecord(string Chain, long Seq, string Table, string Key, long Ticks, string Previous, string Hash);

    /// <summary>Seals; returns the records added and the checkpoint written (0 when nothing was new and none was due).</summary>
    public async Task<(int Records, long Checkpoint)> RunAsync(CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        // Every entry stamped before this instant has committed by now (commits finish well within the lookback of their
        // stamp), so this seal leaves none of them out: the checkpoint says so, and verification holds it to that.
        var completeBefore = time.GetUtcNow().UtcTicks - lookback.Ticks;
        var heads = await HeadsAsync(connection, null, cancellation);
        var records = new List<ChainRecord>();
        foreach (var table in Tables)
        {
            var head = heads.GetValueOrDefault(table.Name) ?? new Head(0, AuditRecord.Genesis);
            foreach (var (key, ticks, content) in await UnsealedAsync(connection, table, cancellation))
            {
                var hash = AuditRecord.Link(head.Hash, content);
                records.Add(new ChainRecord(table.Name, head.Seq + 1, table.Name, key, ticks, head.Hash, hash));
                head = new Head(head.Seq + 1, hash);
            }
            heads[table.Name] = head;
        }
        if (records.Count == 0) return (0, 0);

        // Written under the store's write lock, and only if no other sealer moved a head since this one read them.
        // SQLite: BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), the store's one write lock.
        await using var tx = await connection.BeginTransactionAsync(cancellation);
        if (storage.Provider == StorageProvider.PostgreSql)
            await using (var lockCommand = SqlCommands.Create(connection, "SELECT pg_advisory_xact_lock(20260020)"))
            {
                lockCommand.Transaction = tx;
                await lockCommand.ExecuteScalarAsync(cancellation);
            }
        var now = await HeadsAsync(connection, tx, cancellation);
        foreach (var first in records.GroupBy(r => r.Chain).Select(g => g.First()))
            if ((now.GetValueOrDefault(first.Chain)?.Seq ?? 0) != first.Seq - 1)
                return (0, 0); // another sealer got there first: its records stand, this run's are dropped
        await InsertAsync(connection, tx, records, cancellation);
        var checkpoint = await CheckpointAsync(connection, tx, heads, completeBefore, cancellation);
        await tx.CommitAsync(cancellation);
        return (records.Count, checkpoint);
    }

    private static async Task<Dictionary<string, Head>> HeadsAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancellation)
    {
        await using var command = SqlCommands.Create(connection,
            "SELECT c.chain_id, c.seq, c.hash FROM floorpay_audit_chain c " +
            "JOIN (SELECT chain_id, max(seq) AS seq FROM floorpay_audit_chain GROUP BY chain_id) h ON h.chain_id = c.chain_id AND h.seq = c.seq");
        command.Transaction = tx;
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var heads = new Dictionary<string, Head>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellation)) heads[reader.GetString(0)] = new Head(reader.GetInt64(1), reader.GetString(2));
        return heads;
    }

    /// <summary>
    /// The table's entries with no record yet, oldest first. Only the window from the newest sealed instant less the
    /// lookback is read: an entry commits within its commit deadline of its stamp, far inside the lookback.
    /// </summary>
    private async Task<List<(string Key, long Ticks, string Content)>> UnsealedAsync(DbConnection connection, JournalTable table,
        CancellationToken cancellation)
    {
        var ticksColumn = AuditRecord.TicksColumn(table);
        long from;
        await using (var newest = SqlCommands.Create(connection, "SELECT max(entry_ticks) FROM floorpay_audit_chain WHERE entry_table = @t", ("t", table.Name)))
            from = await newest.ExecuteScalarAsync(cancellation) is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) - lookback.Ticks : long.MinValue;
        var sealedKeys = new HashSet<string>(StringComparer.Ordinal);
        await using (var keys = SqlCommands.Create(connection, "SELECT entry_key FROM floorpay_audit_chain WHERE entry_table = @t AND entry_ticks >= @from",
                         ("t", table.Name), ("from", from)))
        await using (var reader = await keys.ExecuteReaderAsync(cancellation))
            while (await reader.ReadAsync(cancellation)) sealedKeys.Add(reader.GetString(0));
        var found = new List<(string, long, string)>();
        await using var rows = SqlCommands.Create(connection, $"SELECT {table.Selected} FROM {table.Name} WHERE {ticksColumn} >= @from ORDER BY {table.HistoryOrder}",
            ("from", from));
        await using var read = await rows.ExecuteReaderAsync(cancellation);
        var ticksOrdinal = read.GetOrdinal(ticksColumn);
        while (await read.ReadAsync(cancellation))
        {
            var entry = table.Read(read);
            if (sealedKeys.Contains(entry.JournalId)) continue;
            found.Add((entry.JournalId, read.GetInt64(ticksOrdinal), AuditRecord.Canonical(table, entry)));
        }
        return found;
    }

    private async Task InsertAsync(DbConnection connection, DbTransaction tx, List<ChainRecord> records, CancellationToken cancellation)
    {
        const string columns = "chain_id, seq, entry_table, entry_key, entry_ticks, prev_hash, hash";
        if (connection is NpgsqlConnection)
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO floorpay_audit_chain ({columns}) SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7)",
                (NpgsqlConnection)connection, (NpgsqlTransaction)tx);
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = records.Select(r => r.Chain).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = records.Select(r => r.Seq).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = records.Select(r => r.Table).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = records.Select(r => r.Key).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = records.Select(r => r.Ticks).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = records.Select(r => r.Previous).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = records.Select(r => r.Hash).ToArray() });
            await insert.ExecuteNonQueryAsync(cancellation);
            return;
        }
        await using var command = SqlCommands.Create(connection, $"INSERT INTO floorpay_audit_chain ({columns}) VALUES (@c, @s, @t, @k, @x, @p, @h)",
            ("c", ""), ("s", 0L), ("t", ""), ("k", ""), ("x", 0L), ("p", ""), ("h", ""));
        command.Transaction = tx;
        foreach (var r in records)
        {
            (command.Parameters[0].Value, command.Parameters[1].Value, command.Parameters[2].Value, command.Parameters[3].Value) = (r.Chain, r.Seq, r.Table, r.Key);
            (command.Parameters[4].Value, command.Parameters[5].Value, command.Parameters[6].Value) = (r.Ticks, r.Previous, r.Hash);
            await command.ExecuteNonQueryAsync(cancellation);
        }
    }

    /// <summary>
    /// The checkpoint: "checkpoint=N", "at=TICKS", "previous=HASH" (of the previous checkpoint's payload, or zeros), then
    /// "complete_before=TICKS", then "CHAIN=SEQ:HASH" per chain in ordinal order, joined by newlines and signed
    /// (docs/audit-format.md).
    /// </summary>
    private async Task<long> CheckpointAsync(DbConnection connection, DbTransaction tx, Dictionary<string, Head> heads, long completeBefore,
        CancellationToken cancellation)
    {
        long number;
        string previous;
        await using (var last = SqlCommands.Create(connection, "SELECT number, payload FROM floorpay_audit_checkpoints ORDER BY number DESC LIMIT 1"))
        {
            last.Transaction = tx;
            await using var reader = await last.ExecuteReaderAsync(cancellation);
            (number, previous) = await reader.ReadAsync(cancellation)
                ? (reader.GetInt64(0) + 1, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(reader.GetString(1)))))
                : (1, AuditRecord.Genesis);
        }
        var at = time.GetUtcNow().UtcTicks;
        var payload = new StringBuilder($"checkpoint={number}\nat={at}\nprevious={previous}\ncomplete_before={completeBefore}");
        foreach (var (chain, head) in heads.Where(h => h.Value.Seq > 0).OrderBy(h => h.Key, StringComparer.Ordinal))
            payload.Append('\n').Append(chain).Append('=').Append(head.Seq).Append(':').Append(head.Hash);
        var text = payload.ToString();
        await using var insert = SqlCommands.Create(connection,
            "INSERT INTO floorpay_audit_checkpoints (number, written_at_ticks, payload, signature, public_key) VALUES (@n, @a, @p, @s, @k)",
            ("n", number), ("a", at), ("p", text), ("s", signer?.Sign(text) ?? ""), ("k", signer?.PublicKeyPem ?? ""));
        insert.Transaction = tx;
        await insert.ExecuteNonQueryAsync(cancellation);
        return number;
    }
}
