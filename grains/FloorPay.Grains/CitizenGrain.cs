using FloorPay.Domain.Citizens;

namespace FloorPay.Grains;

/// <summary>
/// The single writer of one citizen's entitlement. Everything it decides is an append-only record in the ledger store:
/// payouts (one durable, group-committed write each, with their journal legs), contributions and exemptions; the answer
/// is given after that commit, and an activation rebuilds itself from one (grouped) read of those records. The unique
/// keys (one payout per citizen, kind and slot; one enrollment; one record per id and per idempotency key) are the last
/// line of defence: if a duplicate activation or a lost answer made this activation stale, the write conflicts, the
/// citizen re-reads its records and decides again.
/// </summary>
// A citizen is touched a few times per period: collect idle activations soon, or a surge of millions of enrollments
// would keep millions of activations in memory.
[CollectionAgeLimit(Minutes = 2)]
public sealed class CitizenGrain(
    IPayoutLedger ledger,
    PolicyBook policies,
    PeriodClock clock,
    AggregateFeed feed,
    DividendIndexCache dividends,
    IInstructionOutbox outbox,
    IReturnedPayments returnedPayments,
    IFraudFlags fraudFlags,
    PayoutAccountOptions accounts,
    CitizenRecordLimits limits) : Grain, ICitizenGrain
{
    private CitizenState _state = null!;
    private List<PayoutInstruction> _instructions = [];
    private List<InstructionOutcomeRecord> _outcomes = [];

    private string CitizenId => this.GetPrimaryKeyString();
    private PayoutPosting? Enrollment => _state.Enrollment;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => ReloadAsync(cancellationToken);

    private async Task ReloadAsync(CancellationToken cancellation = default)
    {
        var history = await ledger.ReadHistoryAsync(CitizenId, cancellation);
        var state = new CitizenState(CitizenId);
        foreach (var entry in history.Payouts.Concat<JournalEntry>(history.AccountChanges).Concat(history.Contributions).Concat(history.Exemptions)
                     .Concat(history.Appeals).Concat(history.Resolutions).Concat(history.Approvals).Concat(history.Releases).Concat(history.Keys))
            state.Apply(entry);
        _state = state;
        _instructions = [.. history.Instructions];
        _outcomes = [.. history.Outcomes];
    }

    // (An enrollment needs no refresh: if an envelope enrolled the citizen meanwhile, its write conflicts and re-reads.)
    public Task<Outcome<EnrollResult>> Enroll(EnrollCommand c) => DecideAndAppend(
        new EnrollmentRequest(c.ActingBankId, c.IdempotencyKey, c.ActingBankId, c.RegionId, c.Account.BankId, c.Account.AccountToken, c.PricedAt),
        ToEnrollResult, refreshIfNotEnrolled: false);

    public Task<Outcome<PayoutReceipt>> RequestFloorPayout(FloorPayoutCommand c) => DecideAndAppend(
        new FloorPayoutRequest(ScopeOf(c.ActingBankId), c.IdempotencyKey, c.ActingBankId, c.Period, c.DefaultPeriod), (p, replayed) => ToReceipt(p, replayed));

    public Task<Outcome<PayoutReceipt>> ClaimDividends(ClaimDividendsCommand c) => DecideAndAppend(
        new DividendClaimRequest(ScopeOf(c.ActingBankId), c.IdempotencyKey, c.ActingBankId), (p, replayed) => ToReceipt(p, replayed));

    public Task<Outcome<ContributionReceipt>> RecordContribution(ContributionCommand c) => DecideAndAppend<ContributionEntry, ContributionReceipt>(
        new ContributionRequest(c.PlatformId, c.IdempotencyKey, c.Category, c.Minutes, c.Period, c.PlatformId), ToReceipt);

    public Task<Outcome<ExemptionReceipt>> GrantExemption(ExemptionCommand c) => DecideAndAppend<ExemptionEntry, ExemptionReceipt>(
        new ExemptionRequest(c.ReviewerId, c.IdempotencyKey, c.Category, c.EvidenceReference, c.ExpiresAt, c.ReviewerId), ToReceipt);

    public Task<Outcome<AppealView>> FileAppeal(FileAppealCommand c) => DecideAndAppend<AppealEntry, AppealView>(
        new AppealRequest(c.ActingBankId ?? c.FiledBy, c.IdempotencyKey, c.ActingBankId, c.DecisionId, c.Ground, c.EvidenceReference, c.FiledBy), ToView);

    public Task<Outcome<AppealView>> ResolveAppeal(ResolveAppealCommand c) => DecideAndAppend<AppealEntry, AppealView>(
        new ResolutionRequest(c.ReviewerId, c.IdempotencyKey, c.AppealId, c.Outcome, c.Reason, c.CorrectiveAmount, c.ReviewerId), ToView, attempts: 3);

    public Task<Outcome<AppealView>> ApproveCorrection(ApproveCorrectionCommand c) => DecideAndAppend<AppealEntry, AppealView>(
        new ApprovalRequest(c.ReviewerId, c.IdempotencyKey, c.AppealId, c.ReviewerId), ToView, attempts: 3);

    private Rejection? OverLimit(int recorded, int limit, string what, Period period) =>
        CitizenDecisions.OverLimit(recorded, limit, what, period, clock.Now) is { } r ? ToRejection(r) : null;

    private AppealView ToView(AppealEntry a, bool replayed)
    {
        var resolution = _state.Resolutions.FirstOrDefault(r => r.AppealId == a.AppealId);
        var correction = resolution is null ? null : _state.CorrectionFor(a);
        var filedCode = new ReasonCode(ReasonRules.AppealFiled, policies.For(Period.Containing(a.FiledAt, clock.Length)).Version).ToString();
        return new AppealView(a.AppealId, CitizenId, a.DecisionId, a.Ground, a.EvidenceReference, a.FiledBy, a.FiledAt,
            resolution?.Outcome, resolution?.Reason, resolution?.ReviewerId, resolution?.ResolvedAt,
            correction is null ? null : ToReceipt(correction, false), resolution?.ReasonCode ?? filedCode, replayed,
            resolution?.CorrectionLimit ?? CitizenDecisions.CorrectionLimitOf(_state, a, Context()), resolution is not null && _state.AwaitsApproval(resolution),
            _state.Approvals.FirstOrDefault(x => x.AppealId == a.AppealId)?.ReviewerId);
    }

    public async Task<Outcome<CitizenStatement>> GetStatement(StatementQuery query)
    {
        // The payday run and bank envelopes write enrollments and this period's floor payouts to the ledger directly:
        // a statement must not miss them.
        if (Enrollment is null || !_state.Payouts.Any(p => p.Kind == PayoutKind.Floor && p.Slot == clock.Current.ToString())) await ReloadAsync();
        if (Guard(query.ActingBankId) is { } refused) return new Outcome<CitizenStatement>(null, refused);
        var enrollment = Enrollment!;
        var now = clock.Now;
        // Settlements are recorded by banks in batches, not through this grain: refresh what is still open.
        var open = _instructions.Where(i => i.Kind != InstructionKind.Notice && _outcomes.All(o => o.InstructionId != i.InstructionId))
            .Select(i => i.InstructionId).ToList();
        if (open.Count > 0)
            foreach (var (_, found) in await outbox.FindAsync(open))
                if (found.Outcome is { } outcome && _outcomes.All(o => o.InstructionId != outcome.InstructionId)) _outcomes.Add(outcome);

        // Every period with contributions, and always the current one (with no minutes its standing is still shown).
        var periods = _state.Contributions.Select(c => c.Period).Append(clock.Current.ToString()).Distinct().Order(StringComparer.Ordinal);
        var contributions = periods
            .Select(p =>
            {
                var period = Period.Parse(p, clock.Length);
                var policy = policies.For(period);
                var recorded = _state.Contributions.Where(c => c.Period == p).ToList();
                var total = recorded.Sum(c => (long)c.Minutes);
                var exempt = _state.Exemptions.Any(e => ContributionStanding.Covers(e.GrantedAt, e.ExpiresAt, period));
                return new ContributionPeriodSummary(
                    p,
                    recorded.GroupBy(c => c.Category).ToDictionary(c => c.Key, c => c.Sum(x => (long)x.Minutes)),
                    total,
                    policy.ContributionQuotaMinutes,
                    ContributionStanding.Evaluate(policy, total, exempt).ToString());
            })
            .ToList();

        var statement = new CitizenStatement(
            CitizenId,
            enrollment.RegionId,
            EffectiveAccount(now),
            enrollment.PaidAt,
            Active: true,
            _state.Payouts.Select(p => ToReceipt(p, false)).ToList(),
            contributions,
            _state.Exemptions.Select(e => ToReceipt(e, false)).ToList(),
            dividends.Snapshot.AccruedSince(enrollment.PaidAt, _state.SettledDividendIndex),
            _state.Payouts.Where(p => p.Kind == PayoutKind.Dividend).Sum(p => p.Amount),
            policies.Currency,
            _state.Appeals.Select(a => ToView(a, false)).ToList(),
            PendingChange(now) is { } pending ? new PendingAccountChange(new PayoutAccount(pending.BankId, pending.AccountToken), pending.EffectiveAt) : null,
            AccountNeedsUpdate(),
            _instructions.Select(i =>
            {
                var outcome = _outcomes.FirstOrDefault(o => o.InstructionId == i.InstructionId);
                return new InstructionStatus(i.InstructionId, i.Kind, i.PayoutId, i.BankId, i.Amount, i.ReissueOf, outcome?.Outcome,
                    outcome?.Outcome == InstructionOutcome.Returned ? outcome.Reason : null);
            }).ToList());
        return Outcome<CitizenStatement>.Ok(statement);
    }

    public async Task<Outcome<AccountChangeReceipt>> ChangePayoutAccount(ChangeAccountCommand command)
    {
        await RefreshIfNotEnrolledAsync();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (Enrollment is null) return Outcome<AccountChangeReceipt>.Refused(RejectionKind.NotFound, $"citizen {CitizenId} is not enrolled");
            var fingerprint = Fingerprint.Of("change-account", command.Account.BankId, command.Account.AccountToken);
            if (KeyUsed(command.ActingBankId, command.IdempotencyKey) is { } used)
                return used.Fingerprint == fingerprint && _state.AccountChanges.FirstOrDefault(c => c.ChangeId == used.EntryId) is { } done
                    ? Outcome<AccountChangeReceipt>.Ok(ToReceipt(done, await RaisedFraudFlagAsync(done), true))
                    : new(null, KeyReused(command.IdempotencyKey));
            if (command.ActingBankId != command.Account.BankId)
                return Outcome<AccountChangeReceipt>.Refused(RejectionKind.PermissionDenied, "a bank can move payouts only to an account it holds");
            var now = clock.Now;
            var onFile = AccountOnFile();
            // Rule 11: a bank changes only its own account holders' accounts; another bank's holder must first be released
            // to it by that bank (then this change is the claim).
            if (onFile.BankId != command.ActingBankId && OpenRelease(now)?.ToBankId != command.ActingBankId)
                return Outcome<AccountChangeReceipt>.Refused(RejectionKind.PermissionDenied,
                    "this citizen's payout account is held by another bank: that bank must release the citizen to you first");
            if (onFile == command.Account && !AccountNeedsUpdate())
                return Outcome<AccountChangeReceipt>.Refused(RejectionKind.FailedPrecondition, "this is already the citizen's payout account");
            if (OverLimit(_state.AccountChanges.Count(c => clock.Current.Contains(c.RequestedAt)), limits.AccountChangesPerPeriod, "account changes", clock.Current) is { } full)
                return new(null, full);

            var change = new AccountChangeEntry($"{CitizenId}:account:{_state.AccountChanges.Count + 1}", CitizenId, command.Account.BankId,
                command.Account.AccountToken, onFile.BankId, onFile.AccountToken, command.ActingBankId, now, now + accounts.CoolingOff,
                command.IdempotencyKey, fingerprint);
            // The old bank's notice commits with the change: a crash can never leave a change the old bank was not told of.
            var notice = NoticeOf(change);
            var key = KeyOf(command.ActingBankId, command.IdempotencyKey, change.ChangeId, fingerprint);
            if (await ledger.AppendAsync([change, notice, key]) != PostingResult.Committed)
            {
                await ReloadAsync();
                if (await KeyTakenElsewhereAsync(command.ActingBankId, command.IdempotencyKey) is { } taken) return new(null, taken);
                continue;
            }
            _state.Apply(change);
            _state.Apply(key);
            _instructions.Add(ToInstruction(notice));
            if (change.EffectiveAt <= now) await ReissueReturnedPayments();
            return Outcome<AccountChangeReceipt>.Ok(ToReceipt(change, await RaisedFraudFlagAsync(change), false));
        }
        return Outcome<AccountChangeReceipt>.Refused(RejectionKind.AlreadyExists, "a conflicting record was written concurrently");
    }

    public async Task<Outcome<AccountReleaseReceipt>> ReleaseAccountHolder(ReleaseAccountCommand command)
    {
        await RefreshIfNotEnrolledAsync();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (Enrollment is null) return Outcome<AccountReleaseReceipt>.Refused(RejectionKind.NotFound, $"citizen {CitizenId} is not enrolled");
            var fingerprint = Fingerprint.Of("release-account", command.ToBankId, command.ActingBankId);
            if (KeyUsed(command.ActingBankId, command.IdempotencyKey) is { } used)
                return used.Fingerprint == fingerprint && _state.Releases.FirstOrDefault(r => r.ReleaseId == used.EntryId) is { } done
                    ? Outcome<AccountReleaseReceipt>.Ok(ToReceipt(done, true))
                    : new(null, KeyReused(command.IdempotencyKey));
            if (AccountOnFile().BankId != command.ActingBankId)
                return Outcome<AccountReleaseReceipt>.Refused(RejectionKind.PermissionDenied, "only the bank holding the citizen's payout account can release it");
            if (command.ToBankId == command.ActingBankId)
                return Outcome<AccountReleaseReceipt>.Refused(RejectionKind.InvalidArgument, "a release names another bank");
            if (OverLimit(_state.Releases.Count(r => clock.Current.Contains(r.ReleasedAt)), limits.ReleasesPerPeriod, "releases", clock.Current) is { } full)
                return new(null, full);

            var now = clock.Now;
            var release = new AccountReleaseEntry($"{CitizenId}:release:{_state.Releases.Count + 1}", CitizenId, command.ActingBankId, command.ToBankId,
                now, now + accounts.TransferWindow, command.IdempotencyKey, fingerprint);
            var key = KeyOf(command.ActingBankId, command.IdempotencyKey, release.ReleaseId, fingerprint);
            if (await ledger.AppendAsync([release, key]) == PostingResult.Committed)
            {
                _state.Apply(release);
                _state.Apply(key);
                return Outcome<AccountReleaseReceipt>.Ok(ToReceipt(release, false));
            }
            await ReloadAsync();
            if (await KeyTakenElsewhereAsync(command.ActingBankId, command.IdempotencyKey) is { } taken) return new(null, taken);
        }
        return Outcome<AccountReleaseReceipt>.Refused(RejectionKind.AlreadyExists, "a conflicting record was written concurrently");
    }

    /// <summary>The latest release, while it is unexpired and no account change has been made since (a claim uses it up).</summary>
    private AccountReleaseEntry? OpenRelease(DateTimeOffset now) =>
        _state.Releases.LastOrDefault() is { } r && r.ExpiresAt > now && !_state.AccountChanges.Any(c => c.RequestedAt >= r.ReleasedAt) ? r : null;

    private AccountReleaseReceipt ToReceipt(AccountReleaseEntry r, bool replayed) =>
        new(r.ReleaseId, CitizenId, r.FromBankId, r.ToBankId, r.ReleasedAt, r.ExpiresAt, replayed);

    public async Task<Outcome<ReturnReceipt>> ReturnPayment(ReturnCommand command)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var instruction = _instructions.FirstOrDefault(i => i.InstructionId == command.InstructionId);
            if (instruction is null && attempt == 0)
            {
                // Payday instructions are written without this activation: look at the ledger before saying it does not exist.
                await ReloadAsync();
                continue;
            }
            if (instruction is null || instruction.BankId != command.ActingBankId)
                return Outcome<ReturnReceipt>.Refused(RejectionKind.NotFound, $"instruction {command.InstructionId} does not exist for this bank");
            if (instruction.Kind == InstructionKind.Notice)
                return Outcome<ReturnReceipt>.Refused(RejectionKind.FailedPrecondition, "a notice carries no money and cannot be returned");
            if (_outcomes.FirstOrDefault(o => o.InstructionId == instruction.InstructionId) is { } outcome)
            {
                if (outcome.Outcome == InstructionOutcome.Settled)
                    return Outcome<ReturnReceipt>.Refused(RejectionKind.FailedPrecondition, $"instruction {instruction.InstructionId} was already settled");
                if (outcome.Reason != command.Reason)
                    return Outcome<ReturnReceipt>.Refused(RejectionKind.AlreadyExists, $"instruction {instruction.InstructionId} was already returned ({outcome.Reason})");
                // A resend answers as the original did: the state as of the return, not whatever happened since.
                return Outcome<ReturnReceipt>.Ok(new ReturnReceipt(instruction.InstructionId, CitizenId, outcome.Reason, outcome.RecordedAt,
                    AccountNeedsUpdate(outcome.RecordedAt), true));
            }
            var record = new InstructionOutcomeRecord(instruction.InstructionId, instruction.BankId, CitizenId, InstructionOutcome.Returned,
                command.Reason, instruction.Amount, clock.Now);
            if (await ledger.AppendAsync([new InstructionOutcomeEntry(record)]) == PostingResult.Committed)
            {
                _outcomes.Add(record);
                return Outcome<ReturnReceipt>.Ok(new ReturnReceipt(record.InstructionId, CitizenId, record.Reason, record.RecordedAt,
                    AccountNeedsUpdate(record.RecordedAt), false));
            }
            await ReloadAsync();
        }
        return Outcome<ReturnReceipt>.Refused(RejectionKind.AlreadyExists, "a conflicting record was written concurrently");
    }

    public async Task<int> ReissueReturnedPayments()
    {
        var reissued = 0;
        var now = clock.Now;
        // The sweep's rule, asked of the ledger: re-issue only to an account updated since the return (and past its
        // cooling-off) or differing from the returned payment's, never to the same dead end.
        var due = await returnedPayments.ReissuesDueAsync(now, "", 1_000, CitizenId);
        if (due.Count == 0) return 0;
        // Rare, and decided on the ledger's rows: read them too, so the account re-issued to is the one the rule saw.
        await ReloadAsync();
        var account = EffectiveAccount(now);
        foreach (var returned in due)
        {
            if (_instructions.Any(i => i.ReissueOf == returned.ReturnedInstructionId)) continue;
            var original = _instructions.First(i => i.InstructionId == returned.ReturnedInstructionId);
            var attempt = _instructions.Count(i => i.PayoutId == original.PayoutId);
            var entry = new InstructionEntry($"{original.PayoutId}:reissue:{attempt}", account.BankId, original.Kind, original.PayoutId, CitizenId,
                account.AccountToken, original.Amount, original.Currency, original.Period, original.ReasonCode, original.InstructionId, now);
            if (await ledger.AppendAsync([entry]) == PostingResult.Committed)
            {
                _instructions.Add(ToInstruction(entry));
                reissued++;
            }
            else
            {
                // Another activation re-issued it: the ledger's unique key on reissue_of kept it to one.
                await ReloadAsync();
                return reissued;
            }
        }
        return reissued;
    }

    private InstructionEntry NoticeOf(AccountChangeEntry change)
    {
        var policy = policies.For(clock.Current);
        return new InstructionEntry($"{change.ChangeId}:notice", change.PreviousBankId, InstructionKind.Notice, null, CitizenId,
            change.PreviousAccountToken, 0, policy.Currency, clock.Current.ToString(), new ReasonCode(ReasonRules.AccountChangeNotice, policy.Version).ToString(),
            null, change.RequestedAt);
    }

    /// <summary>Bank envelopes enroll citizens straight in the ledger: an activation that saw no enrollment looks again.</summary>
    private async Task RefreshIfNotEnrolledAsync()
    {
        if (Enrollment is null) await ReloadAsync();
    }

    private static PayoutInstruction ToInstruction(InstructionEntry e) => new(e.InstructionId, e.BankId, 0, e.Kind, e.PayoutId, e.CitizenId,
        e.AccountToken, e.Amount, e.Currency, e.Period, e.ReasonCode, e.ReissueOf, e.IssuedAt);

    /// <summary>Folds an entry this activation committed into what it knows.</summary>
    private void Recorded(JournalEntry entry)
    {
        _state.Apply(entry);
        if (entry is PayoutPosting posting) _instructions.Add(ToInstruction(posting.Instruction()));
        if (entry is ContributionEntry c) feed.Contributed(Enrollment!.RegionId, c.Category, c.Minutes);
    }

    /// <summary>Where payouts go now: the latest account change in effect, else the enrollment account.</summary>
    private PayoutAccount EffectiveAccount(DateTimeOffset now)
    {
        var (bankId, accountToken) = _state.EffectiveAccount(now);
        return new PayoutAccount(bankId, accountToken);
    }

    /// <summary>The latest account asked for, in effect or still cooling off.</summary>
    private PayoutAccount AccountOnFile()
    {
        if (_state.AccountChanges.LastOrDefault() is { } last) return new PayoutAccount(last.BankId, last.AccountToken);
        var e = Enrollment!;
        return new PayoutAccount(e.BankId, e.AccountToken);
    }

    private AccountChangeEntry? PendingChange(DateTimeOffset now) => _state.AccountChanges.LastOrDefault() is { } last && last.EffectiveAt > now ? last : null;

    /// <summary>As of <paramref name="asOf"/> (now by default): a payment was returned, not yet re-issued, and no account
    /// change has been asked for since.</summary>
    private bool AccountNeedsUpdate(DateTimeOffset? asOf = null)
    {
        var at = asOf ?? DateTimeOffset.MaxValue;
        return _outcomes.Any(o => o.Outcome == InstructionOutcome.Returned && o.RecordedAt <= at &&
                                  !_instructions.Any(i => i.ReissueOf == o.InstructionId && i.IssuedAt <= at) &&
                                  !_state.AccountChanges.Any(c => c.RequestedAt >= o.RecordedAt && c.RequestedAt <= at));
    }

    // The ledger raises the flag in the transaction of the record that crossed the threshold, so an original and its
    // resends read the same answer.
    private async Task<bool> RaisedFraudFlagAsync(AccountChangeEntry c) =>
        (await fraudFlags.FindAsync(c.BankId, c.AccountToken))?.RaisedByChange == c.ChangeId;

    private AccountChangeReceipt ToReceipt(AccountChangeEntry c, bool flagged, bool replayed) => new(c.ChangeId, CitizenId,
        new PayoutAccount(c.BankId, c.AccountToken), new PayoutAccount(c.PreviousBankId, c.PreviousAccountToken), c.RequestedAt, c.EffectiveAt,
        $"{c.ChangeId}:notice", flagged, replayed);

    private DecisionContext Context() => new(policies, clock.Length, clock.Now, dividends.Snapshot, limits);

    /// <summary>
    /// Decides on what this activation knows (the domain's rules); appends the resulting entries to the ledger; on a
    /// unique-key conflict re-reads the ledger (the truth) and decides once more, which then replays or refuses.
    /// </summary>
    private Task<Outcome<T>> DecideAndAppend<T>(CitizenRequest request, Func<PayoutPosting, bool, T> result, bool refreshIfNotEnrolled = true) =>
        DecideAndAppend(request, result, refreshIfNotEnrolled: refreshIfNotEnrolled, attempts: 2);

    private async Task<Outcome<T>> DecideAndAppend<TSubject, T>(CitizenRequest request, Func<TSubject, bool, T> result, bool refreshIfNotEnrolled = true,
        int attempts = 2) where TSubject : JournalEntry
    {
        if (refreshIfNotEnrolled) await RefreshIfNotEnrolledAsync();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var decision = CitizenDecisions.Decide(_state, request, Context());
            if (decision.Refusal is { } refusal) return new Outcome<T>(default, ToRejection(refusal));
            if (decision.Replayed) return Outcome<T>.Ok(result((TSubject)decision.Subject!, true));
            if (await ledger.AppendAsync(decision.Entries) == PostingResult.Committed)
            {
                foreach (var entry in decision.Entries) Recorded(entry);
                return Outcome<T>.Ok(result((TSubject)decision.Subject!, false));
            }
            await ReloadAsync();
            if (await KeyTakenElsewhereAsync(request.Scope, request.IdempotencyKey) is { } taken) return new Outcome<T>(default, taken);
        }
        return Outcome<T>.Refused(RejectionKind.AlreadyExists, typeof(TSubject) == typeof(PayoutPosting)
            ? "a conflicting payout was recorded concurrently"
            : "a conflicting record was written concurrently");
    }

    private static Rejection ToRejection(Refusal r) => new(r.Kind, r.Message, r.RetryAfterMilliseconds);

    private Rejection? Guard(string? actingBankId) => CitizenDecisions.Guard(_state, actingBankId, clock.Now) is { } r ? ToRejection(r) : null;

    private Period? ResolvePeriod(string? text) => CitizenDecisions.ResolvePeriod(text, clock.Length, clock.Now);

    private Rejection? PeriodProblem(Period period) =>
        CitizenDecisions.PeriodProblem(_state, period, clock.Length, clock.Now) is { } r ? ToRejection(r) : null;

    private static Rejection KeyReused(string key) => ToRejection(CitizenDecisions.KeyReused(key));

    /// <summary>
    /// Keys are scoped to the calling participant (rule 4, as payment switches scope them): a bank's id for banks, the
    /// participant's id otherwise, and this system's own scope for calls no participant made.
    /// </summary>
    private static string ScopeOf(string? actingBankId) => actingBankId ?? SystemScope;

    private const string SystemScope = "floorpay";

    /// <summary>What this scope's key produced among this citizen's records, if it was used here.</summary>
    private IdempotencyKeyEntry? KeyUsed(string scope, string key) => _state.KeyUsed(scope, key);

    private IdempotencyKeyEntry KeyOf(string scope, string key, string entryId, string fingerprint) =>
        new(scope, key, CitizenId, entryId, fingerprint, clock.Now);

    /// <summary>After a conflict: the key belongs to this participant's request for another citizen, so it is reused.</summary>
    private async Task<Rejection?> KeyTakenElsewhereAsync(string scope, string key) =>
        KeyUsed(scope, key) is null && await ledger.CitizenHoldingKeyAsync(scope, key) is { } holder && holder != CitizenId ? KeyReused(key) : null;

    private EnrollResult ToEnrollResult(PayoutPosting enrollment, bool replayed) =>
        new(CitizenId, enrollment.RegionId, enrollment.PaidAt, ToReceipt(enrollment, replayed), replayed);

    private PayoutReceipt ToReceipt(PayoutPosting p, bool replayed) =>
        new(p.PayoutId, CitizenId, p.Kind, p.Period, p.Amount, p.Currency, p.ReasonCode, p.PaidAt, replayed);

    private ContributionReceipt ToReceipt(ContributionEntry c, bool replayed) =>
        new(c.ContributionId, CitizenId, c.Category, c.Minutes, c.Period, c.ReasonCode, replayed);

    private ExemptionReceipt ToReceipt(ExemptionEntry e, bool replayed) =>
        new(e.ExemptionId, CitizenId, e.Category, e.EvidenceReference, e.ExpiresAt, e.ReasonCode, replayed);
}
