using FloorPay.V1;

namespace FloorPay.Gateway.Services;

public sealed class PoliciesService(PolicyBook policies, PeriodClock clock) : Policies.PoliciesBase
{
    public override Task<Policy> GetPolicy(GetPolicyRequest request, ServerCallContext context)
    {
        context.Caller(); // any authenticated participant may read the published policy
        var current = clock.Current;
        var inForce = policies.For(current);
        var p = request.Version switch
        {
            0 => inForce,
            < 0 => throw Check.Invalid("version cannot be negative"),
            _ => policies.Version(request.Version) ?? throw new RpcException(new Status(StatusCode.NotFound, $"policy version {request.Version} does not exist")),
        };
        var policy = new Policy
        {
            Version = p.Version,
            EffectiveFrom = p.EffectiveFrom,
            Currency = p.Currency,
            FloorAmount = new V1.Money { MinorUnits = p.FloorAmount, Currency = p.Currency },
            PeriodLength = p.PeriodLength == PeriodLength.Weekly ? "weekly" : "monthly",
            FirstPayout = p.FirstPayout == FirstPayoutRule.Full ? "full" : "pro-rated",
            ContributionQuotaMinutes = p.ContributionQuotaMinutes,
            LowRunwayAlertPeriods = p.LowRunwayAlertPeriods,
            VersionInForce = inForce.Version,
            CurrentPeriod = current.ToString(),
        };
        policy.ContributionCategories.AddRange(p.ContributionCategories);
        policy.ExemptionCategories.AddRange(p.ExemptionCategories);
        policy.Versions.AddRange(policies.Versions.Select(v => v.Version));
        return Task.FromResult(policy);
    }
}
