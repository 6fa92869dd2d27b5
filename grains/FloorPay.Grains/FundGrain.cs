using FloorPay.Domain;

namespace FloorPay.Grains;

/// <summary>
/// A public fund: inflows, declared dividends and (fed asynchronously) outflows and enrolled count.
/// A low balance raises an alert; nothing here can stop a floor payout (rule 1).
/// </summary>
public sealed class FundGrain(
    [PersistentState("fund", StorageNames.State)] IPersistentState<FundState> state,
    PolicyBook policies,
    PeriodClock clock,
    DividendIndexCache dividendCache,
    DividendOptions dividendOptions) : Grain, IFundGrain
{
    private FundState S => state.State;

    private long Balance => S.Inflows - S.FloorOutflows - S.DividendOutflows;

    public async Task<Outcome<InflowReceipt>> RecordInflow(InflowCommand command)
    {
        var fingerprint = Fingerprint.Of("inflow", command.Source, command.Amount, command.Reference);
        if (S.IdempotencyKeys.TryGetValue(command.IdempotencyKey, out var used))
        {
            if (used.Fingerprint != fingerprint)
                return Outcome<InflowReceipt>.Refused(RejectionKind.AlreadyExists, $"idempotency key '{command.IdempotencyKey}' was already used for a different request");
            return Outcome<InflowReceipt>.Ok(ToReceipt(S.InflowLog.First(i => i.InflowId == used.ResultId), true));
        }
        if (command.Amount <= 0) return Outcome<InflowReceipt>.Refused(RejectionKind.InvalidArgument, "an inflow must be positive");

        var record = new InflowRecord
        {
            InflowId = $"{this.GetPrimaryKeyString()}:inflow:{S.InflowLog.Count + 1}",
            Source = command.Source,
            Amount = command.Amount,
            Reference = command.Reference,
            BalanceAfter = checked(Balance + command.Amount),
            RecordedAt = clock.Now,
        };
        S.Inflows = checked(S.Inflows + command.Amount);
        S.InflowLog.Add(record);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = record.InflowId };
        await WriteOrReload();
        return Outcome<InflowReceipt>.Ok(ToReceipt(record, false));
    }

    public async Task<Outcome<DividendReceipt>> DeclareDividend(DeclareDividendCommand command)
    {
        var fingerprint = Fingerprint.Of("declare-dividend", command.TotalAmount);
        if (S.IdempotencyKeys.TryGetValue(command.IdempotencyKey, out var used))
        {
            if (used.Fingerprint != fingerprint)
                return Outcome<DividendReceipt>.Refused(RejectionKind.AlreadyExists, $"idempotency key '{command.IdempotencyKey}' was already used for a different request");
            return Outcome<DividendReceipt>.Ok(ToReceipt(S.Declarations.First(d => d.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) == used.ResultId), true));
        }
        if (command.TotalAmount <= 0) return Outcome<DividendReceipt>.Refused(RejectionKind.InvalidArgument, "a dividend must be positive");
        if (S.EnrolledCount <= 0) return Outcome<DividendReceipt>.Refused(RejectionKind.FailedPrecondition, "nobody is enrolled to share a dividend");
        if (command.TotalAmount / S.EnrolledCount == 0)
            return Outcome<DividendReceipt>.Refused(RejectionKind.FailedPrecondition, $"the total is less than one minor unit for each of {S.EnrolledCount} citizens");

        var index = Index();
        var now = clock.Now;
        // The enrolled count is fed asynchronously, so it may miss enrollments of the last moments: only citizens enrolled
        // a grace period before now are eligible, which keeps the count an upper bound of the eligible citizens.
        var cutoff = now - dividendOptions.EligibilityGrace;
        if (index.Declarations.Count > 0 && cutoff < index.Declarations[^1].EligibleBefore) cutoff = index.Declarations[^1].EligibleBefore;
        var d = index.Declare(command.TotalAmount, S.EnrolledCount, now, cutoff);
        var point = new DividendPoint(d.Sequence, d.DeclaredAt, d.Total, d.EligibleCount, d.PerCapita, d.Remainder, d.CumulativeIndex, d.EligibleBefore);
        S.Declarations.Add(point);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = d.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await WriteOrReload();
        dividendCache.Update(S.Declarations.ToList());
        return Outcome<DividendReceipt>.Ok(ToReceipt(point, false));
    }

    public async Task Apply(AggregateDelta delta)
    {
        if (!PayoutTallies.FirstTime(S.AppliedSequences, delta)) return;
        S.EnrolledCount += delta.Enrollments;
        foreach (var t in delta.Payouts)
        {
            if (t.Kind == PayoutKind.Floor) S.FloorOutflows = checked(S.FloorOutflows + t.Amount);
            else S.DividendOutflows = checked(S.DividendOutflows + t.Amount);
        }
        await WriteOrReload();
    }

    public Task<FundSummary> GetSummary()
    {
        var policy = policies.For(clock.Current);
        var runway = FundRunway.Periods(Balance, policy.FloorAmount, S.EnrolledCount);
        return Task.FromResult(new FundSummary(
            this.GetPrimaryKeyString(),
            policy.Currency,
            S.Inflows,
            S.FloorOutflows,
            S.DividendOutflows,
            Balance,
            S.EnrolledCount,
            S.Declarations.Sum(d => d.Total),
            Index().Current,
            runway,
            FundRunway.IsLow(runway, policy.LowRunwayAlertPeriods),
            policy.Version));
    }

    public Task<IReadOnlyList<DividendPoint>> GetDividendIndex() => Task.FromResult<IReadOnlyList<DividendPoint>>(S.Declarations.ToList());

    private DividendIndex Index() => new(S.Declarations.Select(p =>
        new DividendDeclaration(p.Sequence, p.DeclaredAt, p.Total, p.EligibleCount, p.PerCapita, p.Remainder, p.CumulativeIndex, p.EligibleBefore)));

    private async Task WriteOrReload()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The in-memory state is ahead of storage now; re-read it before serving anything else.
            await state.ReadStateAsync();
            throw;
        }
    }

    private static InflowReceipt ToReceipt(InflowRecord r, bool replayed) =>
        new(r.InflowId, r.Source, r.Amount, r.Reference, r.BalanceAfter, r.RecordedAt, replayed);

    private static DividendReceipt ToReceipt(DividendPoint d, bool replayed) =>
        new(d.Sequence, d.Total, d.EligibleCount, d.PerCapita, d.Remainder, d.CumulativeIndex, d.DeclaredAt, replayed, d.EligibleBefore);
}
