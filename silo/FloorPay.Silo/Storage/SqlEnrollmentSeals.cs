namespace FloorPay.Silo.Storage;

/// <summary>
/// Enrollment seals on either store. PostgreSQL: a SHARE lock on the payouts waits for every transaction that has inserted
/// payouts (they hold ROW EXCLUSIVE until they end) and holds off new ones until this commits. SQLite: an IMMEDIATE
/// transaction is the single writer. Either way the count and the seal row are one commit that no enrollment overtakes.
/// </summary>
public sealed class SqlEnrollmentSeals(StorageSettings storage, TimeProvider time) : IEnrollmentSeals
{
    public async Task<long> SealAsync(string sealId, DateTimeOffset cutoff, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var tx = await BeginAsync(connection, cancellation);
        async Task<object?> Scalar(string sql, params (string, object)[] parameters)
        {
            await using var command = SqlCommands.Create(connection, sql, parameters);
            command.Transaction = tx;
            return await command.ExecuteScalarAsync(cancellation);
        }

        if (storage.Provider == StorageProvider.PostgreSql) await Scalar("LOCK TABLE floorpay_payouts IN SHARE MODE");
        if (await Scalar("SELECT eligible_count FROM floorpay_enrollment_seals WHERE seal_id = @id", ("id", sealId)) is { } sealedBefore and not DBNull)
        {
            await tx.CommitAsync(cancellation);
            return Convert.ToInt64(sealedBefore);
        }
        var count = Convert.ToInt64(await Scalar("SELECT COUNT(*) FROM floorpay_payouts WHERE enrollment AND paid_at_ticks < @cutoff",
            ("cutoff", cutoff.UtcTicks)) ?? 0L);
        await Scalar("INSERT INTO floorpay_enrollment_seals (seal_id, eligible_before_ticks, eligible_count, sealed_at_ticks) VALUES (@id, @cutoff, @n, @at)",
            ("id", sealId), ("cutoff", cutoff.UtcTicks), ("n", count), ("at", time.GetUtcNow().UtcTicks));
        await tx.CommitAsync(cancellation);
        return count;
    }

    private async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellation)
    {
        if (storage.Provider == StorageProvider.PostgreSql) return await connection.BeginTransactionAsync(cancellation);
        await using (var wait = SqlCommands.Create(connection, "PRAGMA busy_timeout = 10000;")) await wait.ExecuteNonQueryAsync(cancellation);
        // Microsoft.Data.Sqlite begins IMMEDIATE transactions: this takes the single write lock before counting.
        return await connection.BeginTransactionAsync(cancellation);
    }
}
