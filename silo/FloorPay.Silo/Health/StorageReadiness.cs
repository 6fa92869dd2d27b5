using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FloorPay.Silo.Health;

/// <summary>Ready only if the store answers a trivial query within two seconds: without it nothing can be paid.</summary>
public sealed class StorageReadiness(StorageSettings storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var connection = await storage.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy($"{storage.Provider} answers");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"{storage.Provider} does not answer: {e.Message}");
        }
    }
}
