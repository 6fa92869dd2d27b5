namespace FloorPay.Silo.Storage;

/// <summary>
/// Our implementation of the Orleans ADO.NET grain-storage query contract (the OrleansQuery rows
/// WriteToStorageKey, ReadFromStorageKey, ClearStorageKey, DeleteStorageKey) over floorpay_grain_state.
/// The primary key on the grain identity means two concurrent first writes cannot both create a row:
/// the loser gets no row back, which Orleans reports as an InconsistentStateException (an ETag conflict).
/// </summary>
internal static class GrainStateQueries
{
    private const string Key =
        "service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_n0 = @GrainIdN0 AND grain_n1 = @GrainIdN1 " +
        "AND grain_key = COALESCE(@GrainIdExtensionString, '')";

    public static IReadOnlyDictionary<string, string> For(StorageProvider provider)
    {
        var now = provider == StorageProvider.Sqlite ? "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" : "now()";
        return new Dictionary<string, string>
        {
            ["ReadFromStorageKey"] =
                $"SELECT payload AS PayloadBinary, version AS Version FROM floorpay_grain_state WHERE {Key};",

            // A null version means "no row expected": insert or report a conflict. Otherwise the stored version must match.
            ["WriteToStorageKey"] =
                "INSERT INTO floorpay_grain_state (service_id, grain_type, grain_n0, grain_n1, grain_key, grain_hash, grain_type_hash, payload, version, modified_at) " +
                $"SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1, {now} " +
                "WHERE @GrainStateVersion IS NULL ON CONFLICT DO NOTHING RETURNING version AS NewGrainStateVersion;\n" +
                $"UPDATE floorpay_grain_state SET payload = @PayloadBinary, version = version + 1, modified_at = {now} " +
                $"WHERE {Key} AND @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion RETURNING version AS NewGrainStateVersion;",

            // Clearing keeps the row (and so the version sequence) with no payload.
            ["ClearStorageKey"] =
                $"UPDATE floorpay_grain_state SET payload = NULL, version = version + 1, modified_at = {now} " +
                $"WHERE {Key} AND version = @GrainStateVersion RETURNING version AS NewGrainStateVersion;",

            ["DeleteStorageKey"] =
                $"DELETE FROM floorpay_grain_state WHERE {Key} AND version = @GrainStateVersion RETURNING version + 1 AS NewGrainStateVersion;",
        };
    }
}
