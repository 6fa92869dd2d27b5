using System.Globalization;

namespace FloorPay.Grains;

/// <summary>
/// A public fund: inflows and declared dividends in its state; outflows and enrollments read from the ledger's own
/// tallies. A low balance raises an alert; nothing here can stop a floor payout (rule 1).
/// </summary>
public sealed class FundGrain(
    [PersistentState("fund", StorageNames.State)] IPersistentState<FundState> state,
    PolicyBook policies,
    PeriodClock clock,
    DividendIndexCache dividendCache,
    DividendOptions dividendOptions,
    IEnrollmentSeals seals,
    ILedgerTallies tallies,
    IAdministrativeActs acts) : Grain, IFundGrain
{
    private IGrainTimer? _finalizeTimer;

    private FundState S => state.State;

    private static long Balance(long inflows, LedgerOutflows outflows) => inflows - outflows.Floor - outflows.Dividend;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Pending is not null) ScheduleFinalization();
        return Task.CompletedTask;
    }

    public async Task<Outcome<InflowReceipt>> RecordInflow(InflowCommand command)
    {
        var fingerprint = Fingerprint.Of("inflow", command.Source, command.Amount, command.Reference);
        if (S.IdempotencyKeys.TryGetValue(command.IdempotencyKey, out var used))
        {
            if (used.Fingerprint != fingerprint) return KeyReused<InflowReceipt>(command.IdempotencyKey);
            var earlier = S.InflowLog.First(i => i.InflowId == used.ResultId);
            await RecordInflowActAsync(earlier); // in case the first answer's act was lost with it
            return Outcome<InflowReceipt>.Ok(ToReceipt(earlier, true));
        }
        if (command.Amount <= 0) return Outcome<InflowReceipt>.Refused(RejectionKind.InvalidArgument, "an inflow must be positive");

        var outflows = await tallies.ReadOutflowsAsync();
        var record = new InflowRecord
        {
            InflowId = $"{this.GetPrimaryKeyString()}:inflow:{S.InflowLog.Count + 1}",
            Source = command.Source,
            Amount = command.Amount,
            Reference = command.Reference,
            BalanceAfter = checked(Balance(S.Inflows, outflows) + command.Amount),
            RecordedAt = clock.Now,
            FundsDividends = FundsDividends(command.Source),
            RecordedBy = command.RecordedBy,
        };
        S.Inflows = checked(S.Inflows + command.Amount);
        S.InflowLog.Add(record);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = record.InflowId };
        await state.WriteOrReloadAsync();
        await RecordInflowActAsync(record);
        return Outcome<InflowReceipt>.Ok(ToReceipt(record, false));
    }

    public async Task<Outcome<DividendReceipt>> DeclareDividend(DeclareDividendCommand command)
    {
        await FinalizeIfDueAsync();
        var fingerprint = Fingerprint.Of("declare-dividend", command.TotalAmount);
        if (S.IdempotencyKeys.TryGetValue(command.IdempotencyKey, out var used))
        {
            if (used.Fingerprint != fingerprint) return KeyReused<DividendReceipt>(command.IdempotencyKey);
            if (S.Proposals.Find(p => p.ProposalId == used.ResultId) is { } proposed)
            {
                await RecordProposalActAsync(proposed);
                return Outcome<DividendReceipt>.Ok(ProposalReceipt(proposed, true));
            }
            return Outcome<DividendReceipt>.Ok(await ReplayedDeclarationAsync(used.ResultId));
        }
        if (command.TotalAmount <= 0) return Outcome<DividendReceipt>.Refused(RejectionKind.InvalidArgument, "a dividend must be positive");
        if (command.TotalAmount > dividendOptions.ApprovalThreshold)
        {
            if (Unfunded(command.TotalAmount) is { } unfundedProposal) return unfundedProposal;
            // One participant's word is not enough for this much money: a proposal, declared only once another approves.
            var proposal = new DividendProposal
            {
                ProposalId = $"{this.GetPrimaryKeyString()}:proposal:{S.Proposals.Count + 1}",
                Total = command.TotalAmount,
                ProposedBy = command.ProposedBy,
                ProposedAt = clock.Now,
                ExpiresAt = clock.Now + dividendOptions.ProposalLifetime,
            };
            S.Proposals.Add(proposal);
            S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = proposal.ProposalId };
            await state.WriteOrReloadAsync();
            await RecordProposalActAsync(proposal);
            return Outcome<DividendReceipt>.Ok(ProposalReceipt(proposal, false));
        }
        if (S.Pending is { } pending) return Busy(pending);
        if (Unfunded(command.TotalAmount) is { } unfunded) return unfunded;
        return Outcome<DividendReceipt>.Ok(await StartDeclarationAsync(command.TotalAmount, command.IdempotencyKey, fingerprint, command.ProposedBy));
    }

    public async Task<Outcome<DividendReceipt>> ApproveDividend(ApproveDividendCommand command)
    {
        await FinalizeIfDueAsync();
        var fingerprint = Fingerprint.Of("approve-dividend", command.ProposalId);
        if (S.IdempotencyKeys.TryGetValue(command.IdempotencyKey, out var used))
        {
            if (used.Fingerprint != fingerprint) return KeyReused<DividendReceipt>(command.IdempotencyKey);
            if (S.Proposals.Find(p => p.ProposalId == command.ProposalId) is { } approved) await RecordApprovalActAsync(approved);
            return Outcome<DividendReceipt>.Ok(await ReplayedDeclarationAsync(used.ResultId));
        }
        if (S.Proposals.Find(p => p.ProposalId == command.ProposalId) is not { } proposal)
            return Outcome<DividendReceipt>.Refused(RejectionKind.NotFound, $"no dividend proposal '{command.ProposalId}'");
        if (proposal.ApprovedBy is not null)
            return Outcome<DividendReceipt>.Refused(RejectionKind.AlreadyExists,
                $"proposal {proposal.ProposalId} was already approved by {proposal.ApprovedBy} as dividend {proposal.Sequence}");
        if (command.ApprovedBy == proposal.ProposedBy)
            return Outcome<DividendReceipt>.Refused(RejectionKind.PermissionDenied, "a dividend's proposer cannot approve it: a second participant must");
        if (clock.Now >= proposal.ExpiresAt)
            return Outcome<DividendReceipt>.Refused(RejectionKind.FailedPrecondition,
                $"proposal {proposal.ProposalId} expired unapproved at {proposal.ExpiresAt:O}; propose it again");
        if (S.Pending is { } pending) return Busy(pending);
        if (Unfunded(proposal.Total) is { } unfunded) return unfunded;
        proposal.ApprovedBy = command.ApprovedBy;
        proposal.ApprovedAt = clock.Now;
        proposal.Sequence = S.Declarations.Count + 1;
        var receipt = await StartDeclarationAsync(proposal.Total, command.IdempotencyKey, fingerprint, $"{proposal.ProposedBy}+{command.ApprovedBy}");
        await RecordApprovalActAsync(proposal);
        return Outcome<DividendReceipt>.Ok(receipt with { Proposal = Info(proposal) });
    }

    private Outcome<DividendReceipt>? Unfunded(long total)
    {
        var available = AvailableForDividends();
        return DividendFunding.CanDeclare(total, available)
            ? null
            : Outcome<DividendReceipt>.Refused(RejectionKind.FailedPrecondition,
                $"a dividend of {total} exceeds the {available} available for distribution (AI-dividend inflows received, less what earlier dividends distributed)");
    }

    private static Outcome<DividendReceipt> Busy(PendingDividend pending) =>
        Outcome<DividendReceipt>.Refused(RejectionKind.FailedPrecondition,
            $"dividend {pending.Sequence} is being finalized until {pending.FinalizesAt:O}; declare again after that");

    /// <summary>Fixes the cutoff of a new declaration and waits a grace for its eligible count (the finalization timer).</summary>
    /// <param name="declaredBy">The treasury participant who declared, or "proposer+approver".</param>
    private async Task<DividendReceipt> StartDeclarationAsync(long total, string idempotencyKey, string fingerprint, string declaredBy)
    {
        // Eligible: enrolled before the next whole second. The share is fixed a grace later, counting the enrollments
        // before the cutoff in the ledger once all of them have either committed or failed.
        var now = clock.Now;
        var cutoff = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + (now.UtcTicks % TimeSpan.TicksPerSecond == 0 ? 0 : 1));
        // Cutoffs never go back, even if this silo's clock does (a step back, or skew between silos).
        if (S.Declarations.Count > 0 && cutoff < S.Declarations[^1].EligibleBefore) cutoff = S.Declarations[^1].EligibleBefore;
        var sequence = S.Declarations.Count + 1;
        S.Pending = new PendingDividend
        {
            Sequence = sequence,
            IdempotencyKey = idempotencyKey,
            Total = total,
            EligibleBefore = cutoff,
            FinalizesAt = cutoff + dividendOptions.EligibilityGrace,
            SealId = $"{this.GetPrimaryKeyString()}:{sequence}:{Guid.NewGuid():N}",
            DeclaredBy = declaredBy,
        };
        S.IdempotencyKeys[idempotencyKey] = new() { Fingerprint = fingerprint, ResultId = Key(sequence) };
        await state.WriteOrReloadAsync();
        ScheduleFinalization();
        return PendingReceipt(S.Pending);
    }

    /// <summary>A resent declaration's answer; once final, its act is recorded again (in case the first write was lost).</summary>
    private async Task<DividendReceipt> ReplayedDeclarationAsync(string sequenceKey)
    {
        var receipt = DeclarationReceipt(sequenceKey, replayed: true);
        if (receipt.Final) await RecordDeclarationActAsync(S.Declarations.First(d => Key(d.Sequence) == sequenceKey));
        return receipt;
    }

    /// <summary>The declaration a key made, pending or final, with its proposal when it was approved from one.</summary>
    private DividendReceipt DeclarationReceipt(string sequenceKey, bool replayed)
    {
        var proposal = S.Proposals.Find(p => p.ApprovedBy is not null && Key(p.Sequence) == sequenceKey);
        var receipt = S.Pending is { } waiting && Key(waiting.Sequence) == sequenceKey
            ? PendingReceipt(waiting)
            : ToReceipt(S.Declarations.First(d => Key(d.Sequence) == sequenceKey), replayed);
        return proposal is null ? receipt : receipt with { Proposal = Info(proposal) };
    }

    // Acts are recorded after the state they describe is written, and again on every resend of the request: an act whose
    // first write was lost with its answer is written by the client's retry, and none is written for what did not happen.
    private Task RecordInflowActAsync(InflowRecord r) => acts.RecordAsync(new AdministrativeActEntry($"{r.InflowId}:recorded",
        AdministrativeActEntry.InflowRecorded, r.RecordedBy, this.GetPrimaryKeyString(), r.Amount, $"source={r.Source} reference={r.Reference}", r.RecordedAt));

    private Task RecordProposalActAsync(DividendProposal p) => acts.RecordAsync(new AdministrativeActEntry($"{p.ProposalId}:proposed",
        AdministrativeActEntry.DividendProposed, p.ProposedBy, this.GetPrimaryKeyString(), p.Total, $"proposal={p.ProposalId} expires={p.ExpiresAt:O}", p.ProposedAt));

    private Task RecordApprovalActAsync(DividendProposal p) => acts.RecordAsync(new AdministrativeActEntry($"{p.ProposalId}:approved",
        AdministrativeActEntry.DividendApproved, p.ApprovedBy ?? "", this.GetPrimaryKeyString(), p.Total,
        $"proposal={p.ProposalId} proposed_by={p.ProposedBy} dividend={p.Sequence}", p.ApprovedAt ?? default));

    private Task RecordDeclarationActAsync(DividendPoint d) => acts.RecordAsync(new AdministrativeActEntry($"{this.GetPrimaryKeyString()}:dividend:{d.Sequence}:declared",
        AdministrativeActEntry.DividendDeclared, S.DeclaredBy.GetValueOrDefault(d.Sequence, ""), this.GetPrimaryKeyString(), d.Total,
        $"dividend={d.Sequence} eligible={d.EligibleCount} per_capita={d.PerCapita} remainder={d.Remainder} eligible_before={d.EligibleBefore:O}", d.DeclaredAt));

    private static DividendProposalInfo Info(DividendProposal p) => new(p.ProposalId, p.ProposedBy, p.ExpiresAt, p.ApprovedBy);

    private static DividendReceipt ProposalReceipt(DividendProposal p, bool replayed) =>
        new(p.Sequence, p.Total, 0, 0, 0, 0, default, replayed, default, Final: false, default, Info(p));

    public async Task<FundSummary> GetSummary()
    {
        var policy = policies.For(clock.Current);
        var outflows = await tallies.ReadOutflowsAsync();
        var balance = Balance(S.Inflows, outflows);
        var runway = FundRunway.Periods(balance, policy.FloorAmount, outflows.Enrollments);
        return new FundSummary(
            this.GetPrimaryKeyString(),
            policy.Currency,
            S.Inflows,
            outflows.Floor,
            outflows.Dividend,
            balance,
            outflows.Enrollments,
            S.Declarations.Sum(d => d.Total),
            Index().Current,
            runway,
            FundRunway.IsLow(runway, policy.LowRunwayAlertPeriods),
            policy.Version,
            AvailableForDividends());
    }

    private bool FundsDividends(string source) => dividendOptions.EffectiveInflowSources.Contains(source, StringComparer.Ordinal);

    private long AvailableForDividends() => DividendFunding.Available(
        // A subset of the inflows, whose total is kept as a checked long: it cannot overflow.
        S.InflowLog.Where(i => i.FundsDividends ?? FundsDividends(i.Source)).Sum(i => i.Amount),
        S.Declarations.Select(d => (d.Total, d.Remainder)),
        S.Pending?.Total ?? 0);

    public Task<IReadOnlyList<DividendPoint>> GetDividendIndex() => Task.FromResult<IReadOnlyList<DividendPoint>>(S.Declarations.ToList());

    private async Task FinalizeIfDueAsync()
    {
        if (S.Pending is not { } pending || clock.Now < pending.FinalizesAt) return;
        // The ledger seals who enrolled before the cutoff, in its commit order: no enrollment stamped before the cutoff
        // can commit after this count, however long its commit stalled (the grace only makes such refusals rare).
        var sealId = pending.SealId.Length > 0 ? pending.SealId : $"{this.GetPrimaryKeyString()}:{pending.Sequence}:{pending.EligibleBefore.UtcTicks}";
        var eligible = await seals.SealAsync(sealId, pending.EligibleBefore);
        var index = Index();
        // Declaration instants stay in order even if the clock stepped back since the cutoff was fixed.
        var declaredAt = new[] { clock.Now, pending.EligibleBefore, S.Declarations.Count > 0 ? S.Declarations[^1].DeclaredAt : default }.Max();
        DividendPoint point;
        if (eligible > 0)
        {
            var d = index.Declare(pending.Total, eligible, declaredAt, pending.EligibleBefore);
            point = new DividendPoint(d.Sequence, d.DeclaredAt, d.Total, d.EligibleCount, d.PerCapita, d.Remainder, d.CumulativeIndex, d.EligibleBefore);
        }
        else
        {
            // Nobody was enrolled before the cutoff: the whole total stays in the fund.
            point = new DividendPoint(pending.Sequence, declaredAt, pending.Total, 0, 0, pending.Total, index.Current, pending.EligibleBefore);
        }
        S.Declarations.Add(point);
        S.DeclaredBy[point.Sequence] = pending.DeclaredBy;
        S.Pending = null;
        await state.WriteOrReloadAsync();
        dividendCache.Update(S.Declarations.ToList());
        await RecordDeclarationActAsync(point);
    }

    private void ScheduleFinalization()
    {
        _finalizeTimer?.Dispose();
        var due = S.Pending!.FinalizesAt - clock.Now;
        _finalizeTimer = this.RegisterGrainTimer(async () =>
        {
            await FinalizeIfDueAsync();
            if (S.Pending is not null) ScheduleFinalization();
        }, new GrainTimerCreationOptions(due < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : due, Timeout.InfiniteTimeSpan));
    }

    private DividendIndex Index() => new(S.Declarations.Select(p =>
        new DividendDeclaration(p.Sequence, p.DeclaredAt, p.Total, p.EligibleCount, p.PerCapita, p.Remainder, p.CumulativeIndex, p.EligibleBefore)));

    private static string Key(int sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    private static Outcome<T> KeyReused<T>(string key) =>
        Outcome<T>.Refused(RejectionKind.AlreadyExists, $"idempotency key '{key}' was already used for a different request");

    private static InflowReceipt ToReceipt(InflowRecord r, bool replayed) =>
        new(r.InflowId, r.Source, r.Amount, r.Reference, r.BalanceAfter, r.RecordedAt, replayed);

    private static DividendReceipt PendingReceipt(PendingDividend p) =>
        new(p.Sequence, p.Total, 0, 0, 0, 0, default, false, p.EligibleBefore, Final: false, p.FinalizesAt);

    private static DividendReceipt ToReceipt(DividendPoint d, bool replayed) =>
        new(d.Sequence, d.Total, d.EligibleCount, d.PerCapita, d.Remainder, d.CumulativeIndex, d.DeclaredAt, replayed, d.EligibleBefore,
            Final: true, d.DeclaredAt);
}
