using FloorPay.Domain.Citizens;

namespace FloorPay.Grains;

/// <summary>
/// The single writer of one citizen. It loads the citizen's journal from the ledger, decides every request by the
/// domain's rules (<see cref="CitizenDecisions"/>), appends what was decided in one group-committed write, and answers
/// after that commit. The ledger's unique keys (one payout per citizen, kind and slot; one enrollment; one record per id
/// and per idempotency key) are the last line of defence: if a duplicate activation or a lost answer made this one
/// stale, the append conflicts, the citizen re-reads its journal and decides again (a replay or a refusal).
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
    /// <summary>The scope of idempotency keys on calls no participant made (rule 4 scopes keys per calling participant).</summary>
    private const string SystemScope = "floorpay";

    private CitizenState _state = null!;

    private string CitizenId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => ReloadAsync(cancellationToken);

    private async Task ReloadAsync(CancellationToken cancellation = default)
    {
        var state = new CitizenState(CitizenId);
        foreach (var entry in (await ledger.ReadHistoryAsync(CitizenId, cancellation)).Entries) state.Apply(entry);
        _state = state;
    }

    // (An enrollment needs no refresh: if an envelope enrolled the citizen meanwhile, its write conflicts and re-reads.)
    public Task<Outcome<EnrollResult>> Enroll(EnrollCommand c) => DecideAndAppend<PayoutPosting, EnrollResult>(
        new EnrollmentRequest(c.ActingBankId, c.IdempotencyKey, c.ActingBankId, c.RegionId, c.Account.BankId, c.Account.AccountToken, c.PricedAt),
        CitizenViews.Enrolled, refreshIfNotEnrolled: false);

    public Task<Outcome<PayoutReceipt>> RequestFloorPayout(FloorPayoutCommand c) => DecideAndAppend<PayoutPosting, PayoutReceipt>(
        new FloorPayoutRequest(c.ActingBankId ?? SystemScope, c.IdempotencyKey, c.ActingBankId, c.Period, c.DefaultPeriod), CitizenViews.Receipt);

    public Task<Outcome<PayoutReceipt>> ClaimDividends(ClaimDividendsCommand c) => DecideAndAppend<PayoutPosting, PayoutReceipt>(
        new DividendClaimRequest(c.ActingBankId ?? SystemScope, c.IdempotencyKey, c.ActingBankId), CitizenViews.Receipt);

    public Task<Outcome<ContributionReceipt>> RecordContribution(ContributionCommand c) => DecideAndAppend<ContributionEntry, ContributionReceipt>(
        new ContributionRequest(c.PlatformId, c.IdempotencyKey, c.Category, c.Minutes, c.Period, c.PlatformId), CitizenViews.Receipt);

    public Task<Outcome<ExemptionReceipt>> GrantExemption(ExemptionCommand c) => DecideAndAppend<ExemptionEntry, ExemptionReceipt>(
        new ExemptionRequest(c.ReviewerId, c.IdempotencyKey, c.Category, c.EvidenceReference, c.ExpiresAt, c.ReviewerId), CitizenViews.Receipt);

    public Task<Outcome<AppealView>> FileAppeal(FileAppealCommand c) => DecideAndAppend<AppealEntry, AppealView>(
        new AppealRequest(c.ActingBankId ?? c.FiledBy, c.IdempotencyKey, c.ActingBankId, c.DecisionId, c.Ground, c.EvidenceReference, c.FiledBy), View);

    public Task<Outcome<AppealView>> ResolveAppeal(ResolveAppealCommand c) => DecideAndAppend<AppealEntry, AppealView>(
        new ResolutionRequest(c.ReviewerId, c.IdempotencyKey, c.AppealId, c.Outcome, c.Reason, c.CorrectiveAmount, c.ReviewerId), View, attempts: 3);

    public Task<Outcome<AppealView>> ApproveCorrection(ApproveCorrectionCommand c) => DecideAndAppend<AppealEntry, AppealView>(
        new ApprovalRequest(c.ReviewerId, c.IdempotencyKey, c.AppealId, c.ReviewerId), View, attempts: 3);

    public Task<Outcome<AccountChangeReceipt>> ChangePayoutAccount(ChangeAccountCommand c) => DecideAndAppendAsync<AccountChangeEntry, AccountChangeReceipt>(
        new AccountChangeRequest(c.ActingBankId, c.IdempotencyKey, c.ActingBankId, c.Account.BankId, c.Account.AccountToken),
        async (change, replayed) =>
        {
            // With no cooling-off the new account is in effect at once: payments returned on the old one go out again now.
            if (!replayed && change.EffectiveAt <= clock.Now) await ReissueReturnedPayments();
            // The ledger raises the flag in the transaction of the record that crossed the threshold, so an original and
            // its resends read the same answer.
            var flag = await fraudFlags.FindAsync(change.BankId, change.AccountToken);
            return CitizenViews.Receipt(change, flag?.RaisedByChange == change.ChangeId, replayed);
        });

    public Task<Outcome<AccountReleaseReceipt>> ReleaseAccountHolder(ReleaseAccountCommand c) => DecideAndAppend<AccountReleaseEntry, AccountReleaseReceipt>(
        new ReleaseRequest(c.ActingBankId, c.IdempotencyKey, c.ActingBankId, c.ToBankId), CitizenViews.Receipt);

    public async Task<Outcome<ReturnReceipt>> ReturnPayment(ReturnCommand c)
    {
        // Payday instructions are written without this activation: look at the ledger before saying one does not exist.
        if (_state.Instructions.All(i => i.InstructionId != c.InstructionId)) await ReloadAsync();
        return await DecideAndAppend<InstructionOutcomeEntry, ReturnReceipt>(new ReturnRequest(c.ActingBankId, c.InstructionId, c.Reason),
            (returned, replayed) => CitizenViews.Returned(_state, returned.Record, replayed), refreshIfNotEnrolled: false, attempts: 3);
    }

    public async Task<int> ReissueReturnedPayments()
    {
        var now = clock.Now;
        // The sweep's rule, asked of the ledger: re-issue only to an account updated since the return (and past its
        // cooling-off) or differing from the returned payment's, never to the same dead end.
        var due = await returnedPayments.ReissuesDueAsync(now, "", 1_000, CitizenId);
        if (due.Count == 0) return 0;
        // Rare, and decided on the ledger's rows: read them too, so the account re-issued to is the one the rule saw.
        await ReloadAsync();
        var reissued = 0;
        foreach (var returned in due)
        {
            if (CitizenDecisions.Reissue(_state, returned.ReturnedInstructionId, now) is not { } reissue) continue;
            if (await ledger.AppendAsync([reissue]) != PostingResult.Committed)
            {
                // Another activation re-issued it: the ledger's unique key on reissue_of kept it to one.
                await ReloadAsync();
                return reissued;
            }
            Recorded(reissue);
            reissued++;
        }
        return reissued;
    }

    public async Task<Outcome<CitizenStatement>> GetStatement(StatementQuery query)
    {
        // The payday run and bank envelopes write enrollments and this period's floor payouts to the ledger directly:
        // a statement must not miss them.
        if (_state.Enrollment is null || _state.FloorFor(clock.Current) is null) await ReloadAsync();
        if (CitizenDecisions.Guard(_state, query.ActingBankId, clock.Now) is { } refused) return new(null, ToRejection(refused));
        // Settlements are recorded by banks in batches, not through this grain: refresh what is still open.
        var open = _state.Instructions.Where(i => i.Kind != InstructionKind.Notice && _state.Outcomes.All(o => o.InstructionId != i.InstructionId))
            .Select(i => i.InstructionId).ToList();
        if (open.Count > 0)
            foreach (var (_, found) in await outbox.FindAsync(open))
                if (found.Outcome is { } outcome) _state.Apply(new InstructionOutcomeEntry(outcome));
        return Outcome<CitizenStatement>.Ok(CitizenViews.Statement(_state, Context()));
    }

    private AppealView View(AppealEntry appeal, bool replayed) => CitizenViews.View(_state, appeal, replayed, Context());

    private DecisionContext Context() => new(policies, clock.Length, clock.Now, dividends.Snapshot, limits, accounts);

    private Task<Outcome<T>> DecideAndAppend<TSubject, T>(CitizenRequest request, Func<TSubject, bool, T> answer, bool refreshIfNotEnrolled = true,
        int attempts = 2) where TSubject : JournalEntry =>
        DecideAndAppendAsync<TSubject, T>(request, (subject, replayed) => Task.FromResult(answer(subject, replayed)), refreshIfNotEnrolled, attempts);

    /// <summary>
    /// Decides on what this activation knows; appends the decided entries to the ledger; on a unique-key conflict
    /// re-reads the ledger (the truth) and decides once more, which then replays or refuses.
    /// </summary>
    private async Task<Outcome<T>> DecideAndAppendAsync<TSubject, T>(CitizenRequest request, Func<TSubject, bool, Task<T>> answer,
        bool refreshIfNotEnrolled = true, int attempts = 2) where TSubject : JournalEntry
    {
        // Bank envelopes enroll citizens straight in the ledger: an activation that saw no enrollment looks again.
        if (refreshIfNotEnrolled && _state.Enrollment is null) await ReloadAsync();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var decision = CitizenDecisions.Decide(_state, request, Context());
            if (decision.Refusal is { } refusal) return new Outcome<T>(default, ToRejection(refusal));
            if (decision.Replayed) return Outcome<T>.Ok(await answer((TSubject)decision.Subject!, true));
            if (await ledger.AppendAsync(decision.Entries) == PostingResult.Committed)
            {
                foreach (var entry in decision.Entries) Recorded(entry);
                return Outcome<T>.Ok(await answer((TSubject)decision.Subject!, false));
            }
            await ReloadAsync();
            // The key may belong to this participant's request for another citizen: then it is reused, not replayed.
            if (request.IdempotencyKey.Length > 0 && _state.KeyUsed(request.Scope, request.IdempotencyKey) is null &&
                await ledger.CitizenHoldingKeyAsync(request.Scope, request.IdempotencyKey) is { } holder && holder != CitizenId)
                return new Outcome<T>(default, ToRejection(CitizenDecisions.KeyReused(request.IdempotencyKey)));
        }
        return Outcome<T>.Refused(RejectionKind.AlreadyExists, typeof(TSubject) == typeof(PayoutPosting)
            ? "a conflicting payout was recorded concurrently"
            : "a conflicting record was written concurrently");
    }

    /// <summary>Folds an entry this activation committed into what it knows.</summary>
    private void Recorded(JournalEntry entry)
    {
        _state.Apply(entry);
        // The ledger writes a payout's own instruction with it.
        if (entry is PayoutPosting payout) _state.Apply(payout.Instruction());
        if (entry is ContributionEntry c) feed.Contributed(_state.Enrollment!.RegionId, c.Category, c.Minutes);
    }

    private static Rejection ToRejection(Refusal r) => new(r.Kind, r.Message, r.RetryAfterMilliseconds);
}
