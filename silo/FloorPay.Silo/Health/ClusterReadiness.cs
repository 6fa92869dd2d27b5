using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace FloorPay.Silo.Health;

/// <summary>Ready only once this silo is an active member of its cluster (and not while it joins or shuts down).</summary>
public sealed class ClusterReadiness(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var active = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo active; {active} active silos in the cluster")
            : HealthCheckResult.Unhealthy($"silo is {status}"));
    }
}
