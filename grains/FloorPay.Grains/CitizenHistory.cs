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

    /// <summary>Every record as a journal entry, each kind in the order read (what a citizen's state folds).</summary>
    public IEnumerable<JournalEntry> Entries() =>
        Payouts.Concat<JournalEntry>(Contributions).Concat(Exemptions).Concat(Appeals).Concat(Resolutions).Concat(Approvals)
            .Concat(Instructions.Select(i => new InstructionEntry(i.InstructionId, i.BankId, i.Kind, i.PayoutId, i.CitizenId, i.AccountToken, i.Amount,
                i.Currency, i.Period, i.ReasonCode, i.ReissueOf, i.IssuedAt)))
            .Concat(Outcomes.Select(o => new InstructionOutcomeEntry(o))).Concat(AccountChanges).Concat(Releases).Concat(Keys);
}
