namespace FloorPay.Grains;

/// <summary>Everything recorded about one citizen, oldest first: what a citizen activation rebuilds itself from.</summary>
public sealed record CitizenHistory(
    IReadOnlyList<PayoutPosting> Payouts,
    IReadOnlyList<ContributionEntry> Contributions,
    IReadOnlyList<ExemptionEntry> Exemptions,
    IReadOnlyList<AppealEntry> Appeals,
    IReadOnlyList<AppealResolutionEntry> Resolutions,
    IReadOnlyList<PayoutInstruction> Instructions,
    IReadOnlyList<InstructionOutcomeRecord> Outcomes,
    IReadOnlyList<AccountChangeEntry> AccountChanges,
    IReadOnlyList<CorrectionApprovalEntry> Approvals,
    IReadOnlyList<AccountReleaseEntry> Releases,
    IReadOnlyList<IdempotencyKeyEntry> Keys)
{
    public static readonly CitizenHistory Empty = new([], [], [], [], [], [], [], [], [], [], []);
}
