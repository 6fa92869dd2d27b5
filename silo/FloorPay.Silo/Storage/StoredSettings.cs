namespace FloorPay.Silo.Storage;

/// <summary>
/// Settings the database's own rules read (its triggers), so every silo of a cluster applies one value: written at each
/// silo's start from its configuration, the last silo started setting it.
/// </summary>
public static class StoredSettings
{
    public static async Task WriteAsync(StorageSettings storage, PayoutAccountOptions accounts, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            "INSERT INTO floorpay_settings (name, value) VALUES ('fraud_flag_threshold', @v) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            ("v", (long)accounts.FraudFlagThreshold));
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
