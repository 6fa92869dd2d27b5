using FloorPay.Grains;
using FloorPay.V1;

namespace FloorPay.Gateway.Services;

public sealed class RegionsService(IGrainFactory grains, FloorPayTopology topology, PolicyBook policies, PeriodClock clock) : Regions.RegionsBase
{
    public override async Task<Region> GetRegion(GetRegionRequest request, ServerCallContext context)
    {
        context.Require(ParticipantRole.Auditor, ParticipantRole.Treasury, ParticipantRole.Reviewer, ParticipantRole.ContributionPlatform);
        var regionId = Check.Region(request.RegionId, topology);
        return ProtoMapping.Region(await grains.GetGrain<IRegionGrain>(regionId).GetSummary(), policies.Currency);
    }

    public override async Task<Region> SetOpenOpportunities(SetOpenOpportunitiesRequest request, ServerCallContext context)
    {
        context.Require(ParticipantRole.ContributionPlatform);
        var regionId = Check.Region(request.RegionId, topology);
        var policy = policies.For(clock.Current);
        if (!policy.ContributionCategories.Contains(request.Category))
            throw Check.Invalid($"category must be one of: {string.Join(", ", policy.ContributionCategories)}");
        if (request.OpenCount < 0) throw Check.Invalid("open_count cannot be negative");
        var region = grains.GetGrain<IRegionGrain>(regionId);
        await region.SetOpenOpportunities(request.Category, request.OpenCount);
        return ProtoMapping.Region(await region.GetSummary(), policies.Currency);
    }
}
