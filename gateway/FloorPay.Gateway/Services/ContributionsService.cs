using FloorPay.Grains;
using FloorPay.V1;

namespace FloorPay.Gateway.Services;

public sealed class ContributionsService(IGrainFactory grains, PeriodClock clock, PolicyBook policies) : Contributions.ContributionsBase
{
    public override async Task<V1.ContributionReceipt> RecordContribution(RecordContributionRequest request, ServerCallContext context)
    {
        var platform = context.Require(ParticipantRole.ContributionPlatform);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var citizenId = Check.CitizenId(request.CitizenId);
        var period = Check.OptionalPeriod(request.Period, clock);
        var policy = policies.For(period is null ? clock.Current : Period.Parse(period, clock.Length));
        if (!policy.ContributionCategories.Contains(request.Category))
            throw Check.Invalid($"category must be one of: {string.Join(", ", policy.ContributionCategories)}");
        if (request.Minutes <= 0) throw Check.Invalid("minutes must be positive");
        var receipt = (await grains.Citizen(citizenId)
            .RecordContribution(new ContributionCommand(key, request.Category, request.Minutes, period, platform.Id))).Value();
        return ProtoMapping.Receipt(receipt);
    }

    public override async Task<V1.ExemptionReceipt> GrantExemption(GrantExemptionRequest request, ServerCallContext context)
    {
        var reviewer = context.Require(ParticipantRole.Reviewer);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var citizenId = Check.CitizenId(request.CitizenId);
        var policy = policies.For(clock.Current);
        if (!policy.ExemptionCategories.Contains(request.Category))
            throw Check.Invalid($"category must be one of: {string.Join(", ", policy.ExemptionCategories)}");
        var evidence = Check.Id(request.EvidenceReference, "evidence_reference");
        if (request.ExpiresAt is null) throw Check.Invalid("expires_at is required");
        DateTimeOffset expires;
        try { expires = request.ExpiresAt.ToDateTimeOffset(); }
        catch (InvalidOperationException) { throw Check.Invalid("expires_at is not a valid timestamp"); }
        if (expires <= clock.Now) throw Check.Invalid("expires_at must be in the future");

        var receipt = (await grains.Citizen(citizenId)
            .GrantExemption(new ExemptionCommand(key, request.Category, evidence, expires, reviewer.Id))).Value();
        return ProtoMapping.Receipt(receipt);
    }
}
