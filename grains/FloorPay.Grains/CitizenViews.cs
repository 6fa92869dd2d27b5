using FloorPay.Domain.Citizens;

namespace FloorPay.Grains;

/// <summary>What a citizen's records look like to callers: receipts, appeal views and the statement, read from its state.</summary>
public static class CitizenViews
{
    public static EnrollResult Enrolled(PayoutPosting enrollment, bool replayed) =>
        new(enrollment.CitizenId, enrollment.RegionId, enrollment.PaidAt, Receipt(enrollment, replayed), replayed);

    public static PayoutReceipt Receipt(PayoutPosting p, bool replayed) =>
        new(p.PayoutId, p.CitizenId, p.Kind, p.Period, p.Amount, p.Currency, p.ReasonCode, p.PaidAt, replayed);

    public static ContributionReceipt Receipt(ContributionEntry c, bool replayed) =>
        new(c.ContributionId, c.CitizenId, c.Category, c.Minutes, c.Period, c.ReasonCode, replayed);

    public static ExemptionReceipt Receipt(ExemptionEntry e, bool replayed) =>
        new(e.ExemptionId, e.CitizenId, e.Category, e.EvidenceReference, e.ExpiresAt, e.ReasonCode, replayed);

    public static AccountReleaseReceipt Receipt(AccountReleaseEntry r, bool replayed) =>
        new(r.ReleaseId, r.CitizenId, r.FromBankId, r.ToBankId, r.ReleasedAt, r.ExpiresAt, replayed);

    public static AccountChangeReceipt Receipt(AccountChangeEntry c, bool raisedFraudFlag, bool replayed) => new(c.ChangeId, c.CitizenId,
        new PayoutAccount(c.BankId, c.AccountToken), new PayoutAccount(c.PreviousBankId, c.PreviousAccountToken), c.RequestedAt, c.EffectiveAt,
        $"{c.ChangeId}:notice", raisedFraudFlag, replayed);

    /// <summary>A return, as of when it was recorded: a resend answers as the original did, not with whatever happened since.</summary>
    public static ReturnReceipt Returned(CitizenState state, InstructionOutcomeRecord returned, bool replayed) => new(returned.InstructionId,
        state.CitizenId, returned.Reason, returned.RecordedAt, state.AccountNeedsUpdate(returned.RecordedAt), replayed);

    public static AppealView View(CitizenState state, AppealEntry a, bool replayed, DecisionContext context)
    {
        var resolution = state.Resolutions.FirstOrDefault(r => r.AppealId == a.AppealId);
        var correction = resolution is null ? null : state.CorrectionFor(a);
        var filedCode = new ReasonCode(ReasonRules.AppealFiled, context.Policies.For(Period.Containing(a.FiledAt, context.Length)).Version).ToString();
        return new AppealView(a.AppealId, a.CitizenId, a.DecisionId, a.Ground, a.EvidenceReference, a.FiledBy, a.FiledAt,
            resolution?.Outcome, resolution?.Reason, resolution?.ReviewerId, resolution?.ResolvedAt,
            correction is null ? null : Receipt(correction, false), resolution?.ReasonCode ?? filedCode, replayed,
            resolution?.CorrectionLimit ?? CitizenDecisions.CorrectionLimitOf(state, a, context), resolution is not null && state.AwaitsApproval(resolution),
            state.Approvals.FirstOrDefault(x => x.AppealId == a.AppealId)?.ReviewerId);
    }

    public static CitizenStatement Statement(CitizenState state, DecisionContext context)
    {
        var enrollment = state.Enrollment!;
        var current = context.Current.ToString();
        // Every period with contributions, and always the current one (with no minutes its standing is still shown).
        var contributions = state.Contributions.Select(c => c.Period).Append(current).Distinct().Order(StringComparer.Ordinal)
            .Select(p =>
            {
                var period = Period.Parse(p, context.Length);
                var policy = context.Policies.For(period);
                var recorded = state.Contributions.Where(c => c.Period == p).ToList();
                var total = recorded.Sum(c => (long)c.Minutes);
                var exempt = state.Exemptions.Any(e => ContributionStanding.Covers(e.GrantedAt, e.ExpiresAt, period));
                return new ContributionPeriodSummary(p, recorded.GroupBy(c => c.Category).ToDictionary(c => c.Key, c => c.Sum(x => (long)x.Minutes)),
                    total, policy.ContributionQuotaMinutes, ContributionStanding.Evaluate(policy, total, exempt).ToString());
            })
            .ToList();
        var (bankId, accountToken) = state.EffectiveAccount(context.Now);
        return new CitizenStatement(
            state.CitizenId,
            enrollment.RegionId,
            new PayoutAccount(bankId, accountToken),
            enrollment.PaidAt,
            Active: true,
            state.Payouts.Select(p => Receipt(p, false)).ToList(),
            contributions,
            state.Exemptions.Select(e => Receipt(e, false)).ToList(),
            context.Dividends.AccruedSince(enrollment.PaidAt, state.SettledDividendIndex),
            state.Payouts.Where(p => p.Kind == PayoutKind.Dividend).Sum(p => p.Amount),
            context.Policies.Currency,
            state.Appeals.Select(a => View(state, a, false, context)).ToList(),
            state.PendingChange(context.Now) is { } pending
                ? new PendingAccountChange(new PayoutAccount(pending.BankId, pending.AccountToken), pending.EffectiveAt)
                : null,
            state.AccountNeedsUpdate(),
            state.Instructions.Select(i =>
            {
                var outcome = state.Outcomes.FirstOrDefault(o => o.InstructionId == i.InstructionId);
                return new InstructionStatus(i.InstructionId, i.Kind, i.PayoutId, i.BankId, i.Amount, i.ReissueOf, outcome?.Outcome,
                    outcome?.Outcome == InstructionOutcome.Returned ? outcome.Reason : null);
            }).ToList());
    }
}
