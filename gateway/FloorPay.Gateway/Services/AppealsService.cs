using FloorPay.Grains;
using FloorPay.V1;

namespace FloorPay.Gateway.Services;

public sealed class AppealsService(IGrainFactory grains, PolicyBook policies) : V1.Appeals.AppealsBase
{
    public override async Task<V1.Appeal> FileAppeal(FileAppealRequest request, ServerCallContext context)
    {
        var caller = context.Require(ParticipantRole.Bank, ParticipantRole.Reviewer);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var citizenId = Check.CitizenId(request.CitizenId);
        if (string.IsNullOrEmpty(request.DecisionId) || request.DecisionId.Length > 200 || request.DecisionId.Any(char.IsControl))
            throw Check.Invalid("decision_id must be 1-200 printable characters");
        if (!AppealGrounds.All.Contains(request.Ground)) throw Check.Invalid($"ground must be one of: {string.Join(", ", AppealGrounds.All)}");
        var evidence = request.EvidenceReference.Length == 0 ? null : Check.Id(request.EvidenceReference, "evidence_reference");

        var appeal = (await grains.Citizen(citizenId)
            .FileAppeal(new FileAppealCommand(key, request.DecisionId, request.Ground, evidence, caller.Id, caller.BankId))).Value();
        return ProtoMapping.Appeal(appeal, policies.Currency);
    }

    public override async Task<V1.Appeal> ResolveAppeal(ResolveAppealRequest request, ServerCallContext context)
    {
        var reviewer = context.Require(ParticipantRole.Reviewer);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var citizenId = Check.CitizenId(request.CitizenId);
        if (string.IsNullOrEmpty(request.AppealId) || request.AppealId.Length > 200) throw Check.Invalid("appeal_id must be 1-200 characters");
        var outcome = request.Outcome switch
        {
            V1.AppealOutcome.Upheld => FloorPay.Domain.AppealOutcome.Upheld,
            V1.AppealOutcome.Rejected => FloorPay.Domain.AppealOutcome.Rejected,
            _ => throw Check.Invalid("outcome must be APPEAL_OUTCOME_UPHELD or APPEAL_OUTCOME_REJECTED"),
        };
        var reason = request.Reason.Trim();
        if (reason.Length is 0 or > 500 || reason.Any(char.IsControl)) throw Check.Invalid("reason must be 1-500 printable characters");
        Check.FreeText(reason, "reason");
        var amount = request.CorrectiveAmount is null || request.CorrectiveAmount.MinorUnits == 0
            ? 0
            : Check.Amount(request.CorrectiveAmount, policies.Currency, "corrective_amount");

        var appeal = (await grains.Citizen(citizenId)
            .ResolveAppeal(new ResolveAppealCommand(key, request.AppealId, outcome, reason, amount, reviewer.Id))).Value();
        return ProtoMapping.Appeal(appeal, policies.Currency);
    }

    public override async Task<V1.Appeal> ApproveCorrection(ApproveCorrectionRequest request, ServerCallContext context)
    {
        var reviewer = context.Require(ParticipantRole.Reviewer);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var citizenId = Check.CitizenId(request.CitizenId);
        if (string.IsNullOrEmpty(request.AppealId) || request.AppealId.Length > 200) throw Check.Invalid("appeal_id must be 1-200 characters");

        var appeal = (await grains.Citizen(citizenId)
            .ApproveCorrection(new ApproveCorrectionCommand(key, request.AppealId, reviewer.Id))).Value();
        return ProtoMapping.Appeal(appeal, policies.Currency);
    }
}
