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
    ILedgerTallies tallies) : Grain, IFundGrain
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
            return Outcome<InflowReceipt>.Ok(ToReceipt(S.InflowLog.First(i => i.InflowId == used.ResultId), true));
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
        };
        S.Inflows = checked(S.Inflows + command.Amount);
        S.InflowLog.Add(record);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = record.InflowId };
        await state.WriteOrReloadAsync();
        return Outcome<InflowReceipt>.Ok(ToReceipt(record, false));
    }

    public async Task<Outcome<DividendReceipt>> DeclareDividend(DeclareDividendCommand command)
    {
        await FinalizeIfDueAsync();
        var fingerprint = Fingerprint.Of("declare-dividend", command.TotalAmount);
        if (S.IdempotencyKeys.TryGetValue(command.IdempotencyKey, out var used))
        {
            if (used.Fingerprint != fingerprint) return KeyReused<DividendReceipt>(command.IdempotencyKey);
            if (S.Pending is { } waiting && waiting.IdempotencyKey == command.IdempotencyKey)
                return Outcome<DividendReceipt>.Ok(PendingReceipt(waiting));
            return Outcome<DividendReceipt>.Ok(ToReceipt(S.Declarations.First(d => Key(d.Sequence) == used.ResultId), true));
        }
        if (command.TotalAmount <= 0) return Outcome<DividendReceipt>.Refused(RejectionKind.InvalidArgument, "a dividend must be positive");
        if (S.Pending is { } pending)
            return Outcome<DividendReceipt>.Refused(RejectionKind.FailedPrecondition,
                $"dividend {pending.Sequence} is being finalized until {pending.FinalizesAt:O}; declare again after that");
        var available = AvailableForDividends();
        if (!DividendFunding.CanDeclare(command.TotalAmount, available))
            return Outcome<DividendReceipt>.Refused(RejectionKind.FailedPrecondition,
                $"a dividend of {command.TotalAmount} exceeds the {available} available for distribution (AI-dividend inflows received, less what earlier dividends distributed)");

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
            IdempotencyKey = command.IdempotencyKey,
            Total = command.TotalAmount,
            EligibleBefore = cutoff,
            FinalizesAt = cutoff + dividendOptions.EligibilityGrace,
            SealId = $"{this.GetPrimaryKeyString()}:{sequence}:{Guid.NewGuid():N}",
        };
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = Key(sequence) };
        await state.WriteOrReloadAsync();
        ScheduleFinalization();
        return Outcome<DividendReceipt>.Ok(PendingReceipt(S.Pending));
    }

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
        S.Pending = null;
        await state.WriteOrReloadAsync();
        dividendCache.Update(S.Declarations.ToList());
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
