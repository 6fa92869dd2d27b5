using System.Text.Json;

namespace FloorPay.Silo.AuditTrail;

/// <summary>
/// `audit export --out DIR [--seal]`: optionally seals what is unsealed first, then writes every chain record with its entry's canonical content as
/// the database holds it now, every entry in no chain, the checkpoints and the public key (docs/audit-format.md).
/// </summary>
public static class AuditExport
{
    /// <param name="seal">Run before exporting (a live node's latest entries); null exports what the sealers have sealed.</param>
    public static async Task<(long Records, long Unchained, long Checkpoints)> WriteAsync(StorageSettings storage, AuditSeal? seal, string directory,
        CancellationToken cancellation = default)
    {
        if (seal is not null) await seal.RunAsync(cancellation);
        Directory.CreateDirectory(directory);
        await using var connection = await storage.OpenAsync(cancellation);

        // Every entry as it is stored now, by (table, key): content is recomputed from the row, so an edited row shows.
        var contents = new Dictionary<(string, string), (string Content, long Ticks)>();
        foreach (var table in AuditSeal.Tables)
        {
            await using var rows = SqlCommands.Create(connection, $"SELECT {table.Selected} FROM {table.Name} ORDER BY {table.HistoryOrder}");
            await using var reader = await rows.ExecuteReaderAsync(cancellation);
            var ticks = reader.GetOrdinal(AuditRecord.TicksColumn(table));
            while (await reader.ReadAsync(cancellation))
            {
                var entry = table.Read(reader);
                contents[(table.Name, entry.JournalId)] = (AuditRecord.Canonical(table, entry), reader.GetInt64(ticks));
            }
        }

        long records = 0, unchained = 0, checkpoints = 0;
        await using (var file = File.Create(Path.Combine(directory, "entries.jsonl")))
        {
            await using (var chain = SqlCommands.Create(connection,
                             "SELECT chain_id, seq, entry_table, entry_key, prev_hash, hash FROM floorpay_audit_chain ORDER BY chain_id, seq"))
            await using (var reader = await chain.ExecuteReaderAsync(cancellation))
                while (await reader.ReadAsync(cancellation))
                {
                    var (table, key) = (reader.GetString(2), reader.GetString(3));
                    var content = contents.Remove((table, key), out var found) ? found.Content : null;
                    Line(file, w =>
                    {
                        w.WriteString("chain", reader.GetString(0));
                        w.WriteNumber("seq", reader.GetInt64(1));
                        w.WriteString("table", table);
                        w.WriteString("key", key);
                        w.WriteString("prev", reader.GetString(4));
                        w.WriteString("hash", reader.GetString(5));
                        if (content is null) w.WriteNull("content");
                        else w.WriteString("content", content);
                    });
                    records++;
                }
            // Entries in no chain: written after the last seal, or put there behind the ledger's back.
            foreach (var ((table, key), (content, ticks)) in contents.OrderBy(c => c.Key.Item1, StringComparer.Ordinal).ThenBy(c => c.Key.Item2, StringComparer.Ordinal))
            {
                Line(file, w =>
                {
                    w.WriteNull("chain");
                    w.WriteString("table", table);
                    w.WriteString("key", key);
                    w.WriteNumber("ticks", ticks);
                    w.WriteString("content", content);
                });
                unchained++;
            }
        }
        await using (var file = File.Create(Path.Combine(directory, "checkpoints.jsonl")))
        await using (var command = SqlCommands.Create(connection, "SELECT number, payload, signature, public_key FROM floorpay_audit_checkpoints ORDER BY number"))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
            while (await reader.ReadAsync(cancellation))
            {
                Line(file, w =>
                {
                    w.WriteNumber("number", reader.GetInt64(0));
                    w.WriteString("payload", reader.GetString(1));
                    w.WriteString("signature", reader.GetString(2));
                    w.WriteString("public_key", reader.GetString(3));
                });
                checkpoints++;
            }
        return (records, unchained, checkpoints);
    }

    private static void Line(Stream file, Action<Utf8JsonWriter> body)
    {
        using (var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        file.WriteByte((byte)'\n');
    }
}
