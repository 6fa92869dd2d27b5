namespace FloorPay.Silo.Storage;

/// <summary>Envelopes in <c>floorpay_envelopes</c> (migration 18): the primary key (scope, envelope id) decides a race.</summary>
public sealed class SqlEnvelopeBook(StorageSettings storage) : IEnvelopeBook
{
    public async Task<RecordedEnvelope?> ClaimAsync(string scope, string envelopeId, string kind, string fingerprint, DateTimeOffset at,
        CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using (var claim = SqlCommands.Create(connection,
            "INSERT INTO floorpay_envelopes (scope, envelope_id, kind, fingerprint, claimed_at_ticks, result, saved_at_ticks) " +
            "VALUES (@s, @e, @k, @f, @at, NULL, NULL) ON CONFLICT (scope, envelope_id) DO NOTHING",
            ("s", scope), ("e", envelopeId), ("k", kind), ("f", fingerprint), ("at", at.UtcTicks)))
        {
            if (await claim.ExecuteNonQueryAsync(cancellation) == 1) return null;
        }
        return await FindAsync(scope, envelopeId, cancellation)
               ?? throw new InvalidOperationException($"envelope {envelopeId} was claimed but cannot be read");
    }

    public async Task<RecordedEnvelope?> FindAsync(string scope, string envelopeId, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var read = SqlCommands.Create(connection,
            "SELECT kind, fingerprint, claimed_at_ticks, result FROM floorpay_envelopes WHERE scope = @s AND envelope_id = @e",
            ("s", scope), ("e", envelopeId));
        await using var reader = await read.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation)) return null;
        return new RecordedEnvelope(reader.GetString(0), reader.GetString(1), new DateTimeOffset(Convert.ToInt64(reader.GetValue(2)), TimeSpan.Zero),
            reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3));
    }

    public async Task SaveResultAsync(string scope, string envelopeId, byte[] result, DateTimeOffset at, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var save = SqlCommands.Create(connection,
            "UPDATE floorpay_envelopes SET result = @r, saved_at_ticks = @at WHERE scope = @s AND envelope_id = @e",
            ("r", result), ("at", at.UtcTicks), ("s", scope), ("e", envelopeId));
        await save.ExecuteNonQueryAsync(cancellation);
    }
}
