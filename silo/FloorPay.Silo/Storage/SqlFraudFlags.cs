namespace FloorPay.Silo.Storage;

/// <summary>Fraud flags as the ledger's triggers raised them (migration 17).</summary>
public sealed class SqlFraudFlags(StorageSettings storage) : IFraudFlags
{
    public async Task<FraudFlag?> FindAsync(string bankId, string accountToken, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            $"SELECT {Columns} FROM floorpay_fraud_flags WHERE bank_id = @b AND account_token = @t", ("b", bankId), ("t", accountToken));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<FraudFlag>> ListAsync(int limit, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            $"SELECT {Columns} FROM floorpay_fraud_flags ORDER BY raised_at_ticks DESC, bank_id, account_token LIMIT @n", ("n", limit));
        var flags = new List<FraudFlag>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) flags.Add(Read(reader));
        return flags;
    }

    private const string Columns = "bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks";

    private static FraudFlag Read(DbDataReader r) =>
        new(r.Text("bank_id"), r.Text("account_token"), r.Int("citizen_count"), r.Text("raised_by_change"), r.Instant("raised_at_ticks"));
}
