namespace FloorPay.Silo.Storage;

/// <summary>
/// Every kind of citizen journal entry and how it is stored: the one place both stores, the history read and the
/// bank read model learn a kind's table, columns, binding and reading from. Adding a kind: see docs/architecture.md.
/// </summary>
internal static class JournalTables
{
    /// <summary>Payouts: written with their journal legs and instructions by each store's payout statement.</summary>
    public static readonly JournalTable<PayoutPosting> Payouts = new("floorpay_payouts", "paid_at_ticks, payout_id", ById<PayoutPosting>(p => p.PayoutId),
        new JournalColumns<PayoutPosting>()
            .Text("payout_id", p => p.PayoutId).Text("citizen_id", p => p.CitizenId).Text("kind", p => StoredNames.Of(p.Kind))
            .Text("slot", p => p.Slot).Text("period", p => p.Period).Long("amount", p => p.Amount).Text("currency", p => p.Currency)
            .Text("reason_code", p => p.ReasonCode).Text("region_id", p => p.RegionId).Text("bank_id", p => p.BankId)
            .Text("account_token", p => p.AccountToken).Text("idempotency_key", p => p.IdempotencyKey).Text("fingerprint", p => p.Fingerprint)
            .Flag("enrollment", p => p.Enrollment).Instant("paid_at_ticks", p => p.PaidAt).Short("bucket", p => (short)CitizenBuckets.Of(p.CitizenId)),
        r => new PayoutPosting(r.Text("payout_id"), r.Text("citizen_id"), StoredNames.PayoutKindOf(r.Text("kind")), r.Text("slot"), r.Text("period"),
            r.Long("amount"), r.Text("currency"), r.Text("reason_code"), r.Text("region_id"), r.Text("bank_id"), r.Text("account_token"),
            r.Text("idempotency_key"), r.Text("fingerprint"), r.Flag("enrollment"), r.Instant("paid_at_ticks")));

    /// <summary>
    /// The outbox: a bank's instructions, numbered by the store (<c>sequence</c>) in commit order. A payout's own
    /// instruction is written with it; these are the explicit ones (re-issues, notices).
    /// </summary>
    public static readonly JournalTable<InstructionEntry> Instructions = new("floorpay_instructions", "issued_at_ticks, instruction_id",
        ById<InstructionEntry>(i => i.InstructionId),
        new JournalColumns<InstructionEntry>()
            .Text("instruction_id", i => i.InstructionId).Text("bank_id", i => i.BankId).Text("kind", i => StoredNames.Of(i.Kind))
            .TextOrNull("payout_id", i => i.PayoutId).Text("citizen_id", i => i.CitizenId).Text("account_token", i => i.AccountToken)
            .Long("amount", i => i.Amount).Text("currency", i => i.Currency).Text("period", i => i.Period).Text("reason_code", i => i.ReasonCode)
            .TextOrNull("reissue_of", i => i.ReissueOf).Instant("issued_at_ticks", i => i.IssuedAt),
        r => Entry(ReadInstruction(r)), assigned: "sequence");

    public static readonly JournalTable<InstructionOutcomeEntry> Outcomes = new("floorpay_instruction_outcomes", "recorded_at_ticks, instruction_id",
        ById<InstructionOutcomeEntry>(o => o.Record.InstructionId),
        new JournalColumns<InstructionOutcomeEntry>()
            .Text("instruction_id", o => o.Record.InstructionId).Text("bank_id", o => o.Record.BankId).Text("citizen_id", o => o.Record.CitizenId)
            .Text("outcome", o => StoredNames.Of(o.Record.Outcome)).Text("reason", o => o.Record.Reason).Long("amount", o => o.Record.Amount)
            .Instant("recorded_at_ticks", o => o.Record.RecordedAt),
        r => new InstructionOutcomeEntry(ReadOutcome(r)));

    public static readonly JournalTable<AccountChangeEntry> AccountChanges = new("floorpay_account_changes", "requested_at_ticks, change_id",
        ById<AccountChangeEntry>(c => c.ChangeId),
        new JournalColumns<AccountChangeEntry>()
            .Text("change_id", c => c.ChangeId).Text("citizen_id", c => c.CitizenId).Text("bank_id", c => c.BankId)
            .Text("account_token", c => c.AccountToken).Text("previous_bank_id", c => c.PreviousBankId)
            .Text("previous_account_token", c => c.PreviousAccountToken).Text("requested_by", c => c.RequestedBy)
            .Instant("requested_at_ticks", c => c.RequestedAt).Instant("effective_at_ticks", c => c.EffectiveAt)
            .Text("idempotency_key", c => c.IdempotencyKey).Text("fingerprint", c => c.Fingerprint),
        r => new AccountChangeEntry(r.Text("change_id"), r.Text("citizen_id"), r.Text("bank_id"), r.Text("account_token"), r.Text("previous_bank_id"),
            r.Text("previous_account_token"), r.Text("requested_by"), r.Instant("requested_at_ticks"), r.Instant("effective_at_ticks"),
            r.Text("idempotency_key"), r.Text("fingerprint")));

    public static readonly JournalTable<AccountReleaseEntry> Releases = new("floorpay_account_releases", "released_at_ticks, release_id",
        ById<AccountReleaseEntry>(x => x.ReleaseId),
        new JournalColumns<AccountReleaseEntry>()
            .Text("release_id", x => x.ReleaseId).Text("citizen_id", x => x.CitizenId).Text("from_bank_id", x => x.FromBankId)
            .Text("to_bank_id", x => x.ToBankId).Instant("released_at_ticks", x => x.ReleasedAt).Instant("expires_at_ticks", x => x.ExpiresAt)
            .Text("idempotency_key", x => x.IdempotencyKey).Text("fingerprint", x => x.Fingerprint),
        r => new AccountReleaseEntry(r.Text("release_id"), r.Text("citizen_id"), r.Text("from_bank_id"), r.Text("to_bank_id"),
            r.Instant("released_at_ticks"), r.Instant("expires_at_ticks"), r.Text("idempotency_key"), r.Text("fingerprint")));

    public static readonly JournalTable<ContributionEntry> Contributions = new("floorpay_contributions", "recorded_at_ticks, contribution_id",
        ById<ContributionEntry>(c => c.ContributionId),
        new JournalColumns<ContributionEntry>()
            .Text("contribution_id", c => c.ContributionId).Text("citizen_id", c => c.CitizenId).Text("category", c => c.Category)
            .Int("minutes", c => c.Minutes).Text("period", c => c.Period).Text("platform_id", c => c.PlatformId).Text("reason_code", c => c.ReasonCode)
            .Text("idempotency_key", c => c.IdempotencyKey).Text("fingerprint", c => c.Fingerprint).Instant("recorded_at_ticks", c => c.RecordedAt),
        r => new ContributionEntry(r.Text("contribution_id"), r.Text("citizen_id"), r.Text("category"), r.Int("minutes"), r.Text("period"),
            r.Text("platform_id"), r.Text("reason_code"), r.Text("idempotency_key"), r.Text("fingerprint"), r.Instant("recorded_at_ticks")));

    public static readonly JournalTable<ExemptionEntry> Exemptions = new("floorpay_exemptions", "granted_at_ticks, exemption_id",
        ById<ExemptionEntry>(e => e.ExemptionId),
        new JournalColumns<ExemptionEntry>()
            .Text("exemption_id", e => e.ExemptionId).Text("citizen_id", e => e.CitizenId).Text("category", e => e.Category)
            .Text("evidence_reference", e => e.EvidenceReference).Instant("granted_at_ticks", e => e.GrantedAt).Instant("expires_at_ticks", e => e.ExpiresAt)
            .Text("reviewer_id", e => e.ReviewerId).Text("reason_code", e => e.ReasonCode).Text("idempotency_key", e => e.IdempotencyKey)
            .Text("fingerprint", e => e.Fingerprint),
        r => new ExemptionEntry(r.Text("exemption_id"), r.Text("citizen_id"), r.Text("category"), r.Text("evidence_reference"),
            r.Instant("granted_at_ticks"), r.Instant("expires_at_ticks"), r.Text("reviewer_id"), r.Text("reason_code"), r.Text("idempotency_key"),
            r.Text("fingerprint")));

    public static readonly JournalTable<AppealEntry> Appeals = new("floorpay_appeals", "filed_at_ticks, appeal_id", ById<AppealEntry>(a => a.AppealId),
        new JournalColumns<AppealEntry>()
            .Text("appeal_id", a => a.AppealId).Text("citizen_id", a => a.CitizenId).Text("decision_id", a => a.DecisionId).Text("ground", a => a.Ground)
            .TextOrNull("evidence_reference", a => a.EvidenceReference).Text("filed_by", a => a.FiledBy).Instant("filed_at_ticks", a => a.FiledAt)
            .Text("idempotency_key", a => a.IdempotencyKey).Text("fingerprint", a => a.Fingerprint),
        r => new AppealEntry(r.Text("appeal_id"), r.Text("citizen_id"), r.Text("decision_id"), r.Text("ground"), r.TextOrNull("evidence_reference"),
            r.Text("filed_by"), r.Instant("filed_at_ticks"), r.Text("idempotency_key"), r.Text("fingerprint")));

    public static readonly JournalTable<AppealResolutionEntry> Resolutions = new("floorpay_appeal_resolutions", "resolved_at_ticks, appeal_id",
        ById<AppealResolutionEntry>(x => x.AppealId),
        new JournalColumns<AppealResolutionEntry>()
            .Text("appeal_id", x => x.AppealId).Text("citizen_id", x => x.CitizenId).Text("outcome", x => StoredNames.Of(x.Outcome))
            .Text("reason", x => x.Reason).Long("corrective_amount", x => x.CorrectiveAmount).Text("reviewer_id", x => x.ReviewerId)
            .Instant("resolved_at_ticks", x => x.ResolvedAt).Text("reason_code", x => x.ReasonCode).Text("idempotency_key", x => x.IdempotencyKey)
            .Text("fingerprint", x => x.Fingerprint).LongOrNull("correction_limit", x => x.CorrectionLimit),
        r => new AppealResolutionEntry(r.Text("appeal_id"), r.Text("citizen_id"), StoredNames.AppealOutcomeOf(r.Text("outcome")), r.Text("reason"),
            r.Long("corrective_amount"), r.Text("reviewer_id"), r.Instant("resolved_at_ticks"), r.Text("reason_code"), r.Text("idempotency_key"),
            r.Text("fingerprint"), r.LongOrNull("correction_limit")));

    public static readonly JournalTable<CorrectionApprovalEntry> Approvals = new("floorpay_correction_approvals", "approved_at_ticks, appeal_id",
        ById<CorrectionApprovalEntry>(x => x.AppealId),
        new JournalColumns<CorrectionApprovalEntry>()
            .Text("appeal_id", x => x.AppealId).Text("citizen_id", x => x.CitizenId).Text("reviewer_id", x => x.ReviewerId)
            .Instant("approved_at_ticks", x => x.ApprovedAt).Text("idempotency_key", x => x.IdempotencyKey).Text("fingerprint", x => x.Fingerprint),
        r => new CorrectionApprovalEntry(r.Text("appeal_id"), r.Text("citizen_id"), r.Text("reviewer_id"), r.Instant("approved_at_ticks"),
            r.Text("idempotency_key"), r.Text("fingerprint")));

    /// <summary>Idempotency keys, in (scope, key) order.</summary>
    public static readonly JournalTable<IdempotencyKeyEntry> Keys = new("floorpay_idempotency_keys", "recorded_at_ticks, entry_id",
        (a, b) => string.CompareOrdinal(a.Scope, b.Scope) is var c and not 0 ? c : string.CompareOrdinal(a.Key, b.Key),
        new JournalColumns<IdempotencyKeyEntry>()
            .Text("scope", k => k.Scope).Text("idempotency_key", k => k.Key).Text("citizen_id", k => k.CitizenId).Text("entry_id", k => k.EntryId)
            .Text("fingerprint", k => k.Fingerprint).Instant("recorded_at_ticks", k => k.RecordedAt),
        r => new IdempotencyKeyEntry(r.Text("scope"), r.Text("idempotency_key"), r.Text("citizen_id"), r.Text("entry_id"), r.Text("fingerprint"),
            r.Instant("recorded_at_ticks")));

    /// <summary>Every kind, in the order a citizen's history is read and folded.</summary>
    public static readonly IReadOnlyList<JournalTable> All =
        [Payouts, Contributions, Exemptions, Appeals, Resolutions, Approvals, Instructions, Outcomes, AccountChanges, Releases, Keys];

    /// <summary>The kinds each store appends with its plain insert (payouts and instructions have statements of their own).</summary>
    public static readonly IReadOnlyList<JournalTable> Appended = All.Where(t => t != Payouts && t != Instructions).ToList();

    /// <summary>An outbox row as the bank read model sees it (with the sequence the store gave it).</summary>
    /// <param name="prefix">What a join prefixed the columns with (e.g. "o_"); none for a plain select.</param>
    public static PayoutInstruction ReadInstruction(DbDataReader r, string prefix = "") => new(
        r.Text(prefix + "instruction_id"), r.Text(prefix + "bank_id"), r.Long(prefix + "sequence"), StoredNames.InstructionKindOf(r.Text(prefix + "kind")),
        r.TextOrNull(prefix + "payout_id"), r.Text(prefix + "citizen_id"), r.Text(prefix + "account_token"), r.Long(prefix + "amount"),
        r.Text(prefix + "currency"), r.Text(prefix + "period"), r.Text(prefix + "reason_code"), r.TextOrNull(prefix + "reissue_of"),
        r.Instant(prefix + "issued_at_ticks"));

    /// <param name="prefix">What a join prefixed the columns with (e.g. "o_"); none for a plain select.</param>
    public static InstructionOutcomeRecord ReadOutcome(DbDataReader r, string prefix = "") => new(
        r.Text(prefix + "instruction_id"), r.Text(prefix + "bank_id"), r.Text(prefix + "citizen_id"),
        StoredNames.InstructionOutcomeOf(r.Text(prefix + "outcome")), r.Text(prefix + "reason"), r.Long(prefix + "amount"),
        r.Instant(prefix + "recorded_at_ticks"));

    private static InstructionEntry Entry(PayoutInstruction i) =>
        new(i.InstructionId, i.BankId, i.Kind, i.PayoutId, i.CitizenId, i.AccountToken, i.Amount, i.Currency, i.Period, i.ReasonCode, i.ReissueOf, i.IssuedAt);

    private static Comparison<T> ById<T>(Func<T, string> id) => (a, b) => string.CompareOrdinal(id(a), id(b));
}
