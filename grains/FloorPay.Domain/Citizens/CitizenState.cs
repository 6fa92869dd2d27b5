using System.Globalization;

namespace FloorPay.Domain.Citizens;

/// <summary>
/// One citizen's journal folded, entry by entry in the order the ledger returns them, into what the citizen's
/// decisions read. Decisions read nothing else about the citizen.
/// </summary>
public sealed class CitizenState(string citizenId)
{
    private readonly List<PayoutPosting> _payouts = [];
    private readonly List<IdempotencyKeyEntry> _keys = [];
    private readonly List<AccountChangeEntry> _accountChanges = [];
    private readonly List<ContributionEntry> _contributions = [];
    private readonly List<ExemptionEntry> _exemptions = [];
    private readonly List<AppealEntry> _appeals = [];
    private readonly List<AppealResolutionEntry> _resolutions = [];
    private readonly List<CorrectionApprovalEntry> _approvals = [];
    private readonly List<AccountReleaseEntry> _releases = [];
    private readonly List<InstructionEntry> _instructions = [];
    private readonly List<InstructionOutcomeRecord> _outcomes = [];

    public string CitizenId => citizenId;

    /// <summary>The enrollment payout (the first floor, carrying region and account); null until enrolled.</summary>
    public PayoutPosting? Enrollment { get; private set; }

    public IReadOnlyList<PayoutPosting> Payouts => _payouts;

    public IReadOnlyList<IdempotencyKeyEntry> Keys => _keys;

    public IReadOnlyList<AccountChangeEntry> AccountChanges => _accountChanges;

    public IReadOnlyList<ContributionEntry> Contributions => _contributions;

    public IReadOnlyList<ExemptionEntry> Exemptions => _exemptions;

    public IReadOnlyList<AppealEntry> Appeals => _appeals;

    public IReadOnlyList<AppealResolutionEntry> Resolutions => _resolutions;

    public IReadOnlyList<CorrectionApprovalEntry> Approvals => _approvals;

    public IReadOnlyList<AccountReleaseEntry> Releases => _releases;

    /// <summary>The instructions banks were given for this citizen (a payout's own, re-issues, notices), oldest first.</summary>
    public IReadOnlyList<InstructionEntry> Instructions => _instructions;

    /// <summary>What banks reported for those instructions (settled or returned), one per instruction.</summary>
    public IReadOnlyList<InstructionOutcomeRecord> Outcomes => _outcomes;

    /// <summary>
    /// Folds one entry in. A payout's own instruction is written by the ledger with it and read back as an instruction:
    /// whoever appended the payout applies <see cref="PayoutPosting.Instruction"/> too.
    /// </summary>
    public CitizenState Apply(JournalEntry entry)
    {
        switch (entry)
        {
            case PayoutPosting p:
                _payouts.Add(p);
                if (p.Enrollment) Enrollment ??= p;
                break;
            case IdempotencyKeyEntry k:
                _keys.Add(k);
                break;
            case AccountChangeEntry c:
                _accountChanges.Add(c);
                break;
            case ContributionEntry c:
                _contributions.Add(c);
                break;
            case ExemptionEntry e:
                _exemptions.Add(e);
                break;
            case AppealEntry a:
                _appeals.Add(a);
                break;
            case AppealResolutionEntry r:
                _resolutions.Add(r);
                break;
            case CorrectionApprovalEntry a:
                _approvals.Add(a);
                break;
            case AccountReleaseEntry r:
                _releases.Add(r);
                break;
            case InstructionEntry i:
                _instructions.Add(i);
                break;
            case InstructionOutcomeEntry o:
                if (_outcomes.All(x => x.InstructionId != o.Record.InstructionId)) _outcomes.Add(o.Record);
                break;
        }
        return this;
    }

    /// <summary>What this scope's key produced for this citizen, if it was used here.</summary>
    public IdempotencyKeyEntry? KeyUsed(string scope, string key) => _keys.FirstOrDefault(k => k.Scope == scope && k.Key == key);

    /// <summary>Where payouts go at <paramref name="now"/>: the latest account change in effect, else the enrollment account.</summary>
    public (string BankId, string AccountToken) EffectiveAccount(DateTimeOffset now)
    {
        if (_accountChanges.LastOrDefault(c => c.EffectiveAt <= now) is { } change) return (change.BankId, change.AccountToken);
        var e = Enrollment ?? throw new InvalidOperationException($"citizen {citizenId} is not enrolled");
        return (e.BankId, e.AccountToken);
    }

    /// <summary>Where the last dividend claim ended: a claim covers the index from its slot, for its amount.</summary>
    public long SettledDividendIndex =>
        _payouts.Where(p => p.Kind == PayoutKind.Dividend).Select(p => long.Parse(p.Slot, CultureInfo.InvariantCulture) + p.Amount).DefaultIfEmpty(0).Max();

    /// <summary>The floor paid for <paramref name="period"/>, if any.</summary>
    public PayoutPosting? FloorFor(Period period) => _payouts.FirstOrDefault(p => p.Kind == PayoutKind.Floor && p.Slot == period.ToString());

    /// <summary>An upheld resolution whose correction is above its limit and not yet approved by a second reviewer.</summary>
    public bool AwaitsApproval(AppealResolutionEntry r) =>
        r.Outcome == AppealOutcome.Upheld && r.CorrectiveAmount > 0 && CorrectionLimit.NeedsSecondApproval(r.CorrectiveAmount, r.CorrectionLimit ?? 0) &&
        _approvals.All(a => a.AppealId != r.AppealId);

    /// <summary>The period a recorded decision of this citizen belongs to; null if no such decision exists.</summary>
    public Period? DecisionPeriod(string id, PeriodLength length)
    {
        if (_payouts.FirstOrDefault(p => p.PayoutId == id) is { } payout) return Period.Parse(payout.Period, length);
        if (_contributions.FirstOrDefault(c => c.ContributionId == id) is { } contribution) return Period.Parse(contribution.Period, length);
        if (_exemptions.FirstOrDefault(e => e.ExemptionId == id) is { } exemption) return Period.Containing(exemption.GrantedAt, length);
        if (_accountChanges.FirstOrDefault(c => c.ChangeId == id) is { } change) return Period.Containing(change.RequestedAt, length);
        return null;
    }

    /// <summary>The number an appeal's correction is slotted under (one correction per appeal).</summary>
    public static string AppealNumber(AppealEntry appeal) => appeal.AppealId[(appeal.AppealId.LastIndexOf(':') + 1)..];

    /// <summary>The corrective payout an appeal ordered, if paid.</summary>
    public PayoutPosting? CorrectionFor(AppealEntry appeal) =>
        _payouts.FirstOrDefault(p => p.Kind == PayoutKind.Correction && p.Slot == AppealNumber(appeal));

    /// <summary>The latest account asked for, in effect or still cooling off.</summary>
    public (string BankId, string AccountToken) AccountOnFile()
    {
        if (_accountChanges.LastOrDefault() is { } last) return (last.BankId, last.AccountToken);
        var e = Enrollment ?? throw new InvalidOperationException($"citizen {citizenId} is not enrolled");
        return (e.BankId, e.AccountToken);
    }

    /// <summary>The latest account change, while it is still cooling off at <paramref name="now"/>.</summary>
    public AccountChangeEntry? PendingChange(DateTimeOffset now) => _accountChanges.LastOrDefault() is { } last && last.EffectiveAt > now ? last : null;

    /// <summary>The latest release, while it is unexpired and no account change has been made since (a claim uses it up).</summary>
    public AccountReleaseEntry? OpenRelease(DateTimeOffset now) =>
        _releases.LastOrDefault() is { } r && r.ExpiresAt > now && !_accountChanges.Any(c => c.RequestedAt >= r.ReleasedAt) ? r : null;

    /// <summary>
    /// As of <paramref name="asOf"/> (now by default): a payment was returned, not yet re-issued, and no account change
    /// has been asked for since.
    /// </summary>
    public bool AccountNeedsUpdate(DateTimeOffset? asOf = null)
    {
        var at = asOf ?? DateTimeOffset.MaxValue;
        return _outcomes.Any(o => o.Outcome == InstructionOutcome.Returned && o.RecordedAt <= at &&
                                  !_instructions.Any(i => i.ReissueOf == o.InstructionId && i.IssuedAt <= at) &&
                                  !_accountChanges.Any(c => c.RequestedAt >= o.RecordedAt && c.RequestedAt <= at));
    }
}
