using FloorPay.Domain;

namespace FloorPay.Grains;

/// <summary>
/// The single writer of one citizen's entitlement. A result is returned only after the state holding it is durably
/// written with an ETag check, so a duplicate activation cannot pay twice: its write would be refused.
/// </summary>
public sealed class CitizenGrain(
    [PersistentState("citizen", StorageNames.State)] IPersistentState<CitizenState> state,
    PolicyBook policies,
    PeriodClock clock,
    AggregateFeed feed,
    DividendIndexCache dividends) : Grain, ICitizenGrain
{
    private string CitizenId => this.GetPrimaryKeyString();
    private CitizenState S => state.State;

    public async Task<Outcome<EnrollResult>> Enroll(EnrollCommand command)
    {
        var fingerprint = Fingerprint.Of("enroll", command.RegionId, command.Account.BankId, command.Account.AccountToken);
        if (Replay(command.IdempotencyKey, fingerprint) is { } replay)
        {
            return replay.Rejection is { } r
                ? new(null, r)
                : Outcome<EnrollResult>.Ok(EnrollResultFrom(FindPayout(replay.ResultId)!, replayed: true));
        }
        if (command.ActingBankId != command.Account.BankId)
            return Outcome<EnrollResult>.Refused(RejectionKind.PermissionDenied, "a bank can enroll only its own account holders");
        if (S.Enrolled)
            return Outcome<EnrollResult>.Refused(RejectionKind.AlreadyExists, $"citizen {CitizenId} is already enrolled");

        var now = clock.Now;
        var period = clock.Current;
        var policy = policies.For(period);
        var (amount, reason) = FloorEntitlement.AtEnrollment(policy, period, now);
        var payout = NewPayout(PayoutKind.Floor, period.ToString(), amount, reason, now);

        S.Enrolled = true;
        S.Active = true;
        S.RegionId = command.RegionId;
        S.Account = command.Account;
        S.EnrolledAt = now;
        S.EnrollmentPeriod = period.ToString();
        S.EnrollmentKey = command.IdempotencyKey;
        S.DividendSettledIndex = 0;
        S.Payouts.Add(payout);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = payout.PayoutId };
        await CommitAsync(() =>
        {
            state.State = new CitizenState();
        });

        feed.Enrolled(S.RegionId, S.EnrolledAt);
        feed.Paid(S.RegionId, payout.Kind, payout.Period, payout.Amount);
        return Outcome<EnrollResult>.Ok(EnrollResultFrom(payout, replayed: false));
    }

    public async Task<Outcome<PayoutReceipt>> RequestFloorPayout(FloorPayoutCommand command)
    {
        if (Guard(command.ActingBankId) is { } refused) return new(null, refused);
        var fingerprint = Fingerprint.Of("floor-payout", command.Period ?? "");
        if (Replay(command.IdempotencyKey, fingerprint) is { } replay)
            return replay.Rejection is { } r ? new(null, r) : Outcome<PayoutReceipt>.Ok(ToReceipt(FindPayout(replay.ResultId)!, true));

        var current = clock.Current;
        Period period;
        if (string.IsNullOrEmpty(command.Period)) period = current;
        else if (!clock.TryParse(command.Period, out period))
            return Outcome<PayoutReceipt>.Refused(RejectionKind.InvalidArgument, $"'{command.Period}' is not a {clock.Length.ToString().ToLowerInvariant()} period");

        if (period > current)
            return Outcome<PayoutReceipt>.Refused(RejectionKind.FailedPrecondition, $"period {period} has not started yet (current: {current})");
        if (period < Period.Parse(S.EnrollmentPeriod, clock.Length))
            return Outcome<PayoutReceipt>.Refused(RejectionKind.FailedPrecondition, $"period {period} is before the citizen's enrollment ({S.EnrollmentPeriod})");
        if (!S.Active)
            return Outcome<PayoutReceipt>.Refused(RejectionKind.FailedPrecondition, "the citizen is not active");
        var existing = S.Payouts.FirstOrDefault(p => p.Kind == PayoutKind.Floor && p.Period == period.ToString());
        if (existing is not null)
            return Outcome<PayoutReceipt>.Refused(RejectionKind.AlreadyExists, $"the floor for {period} was already paid as {existing.PayoutId}");

        var (amount, reason) = FloorEntitlement.ForPeriod(policies.For(period));
        var payout = NewPayout(PayoutKind.Floor, period.ToString(), amount, reason, clock.Now);
        S.Payouts.Add(payout);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = payout.PayoutId };
        await CommitAsync(() =>
        {
            S.Payouts.Remove(payout);
            S.IdempotencyKeys.Remove(command.IdempotencyKey);
        });

        feed.Paid(S.RegionId, payout.Kind, payout.Period, payout.Amount);
        return Outcome<PayoutReceipt>.Ok(ToReceipt(payout, false));
    }

    public async Task<Outcome<PayoutReceipt>> ClaimDividends(ClaimDividendsCommand command)
    {
        if (Guard(command.ActingBankId) is { } refused) return new(null, refused);
        var fingerprint = Fingerprint.Of("claim-dividends");
        if (Replay(command.IdempotencyKey, fingerprint) is { } replay)
            return replay.Rejection is { } r ? new(null, r) : Outcome<PayoutReceipt>.Ok(ToReceipt(FindPayout(replay.ResultId)!, true));

        var index = dividends.Snapshot;
        var accrued = index.AccruedSince(S.EnrolledAt, S.DividendSettledIndex);
        if (accrued <= 0)
            return Outcome<PayoutReceipt>.Refused(RejectionKind.FailedPrecondition, "no dividends have accrued since the last claim");

        var period = clock.Current;
        var policy = policies.For(period);
        var payout = NewPayout(PayoutKind.Dividend, period.ToString(), new Money(accrued, policy.Currency),
            new ReasonCode(ReasonRules.DividendClaim, policy.Version), clock.Now,
            // The settled index value is unique per claim, so it names the payout.
            idSuffix: index.Current.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var settledBefore = S.DividendSettledIndex;
        S.DividendSettledIndex = index.Current;
        S.Payouts.Add(payout);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = payout.PayoutId };
        await CommitAsync(() =>
        {
            S.DividendSettledIndex = settledBefore;
            S.Payouts.Remove(payout);
            S.IdempotencyKeys.Remove(command.IdempotencyKey);
        });

        feed.Paid(S.RegionId, payout.Kind, payout.Period, payout.Amount);
        return Outcome<PayoutReceipt>.Ok(ToReceipt(payout, false));
    }

    public async Task<Outcome<ContributionReceipt>> RecordContribution(ContributionCommand command)
    {
        if (!S.Enrolled) return Outcome<ContributionReceipt>.Refused(RejectionKind.NotFound, $"citizen {CitizenId} is not enrolled");
        var fingerprint = Fingerprint.Of("contribution", command.Category, command.Minutes, command.Period ?? "", command.PlatformId);
        if (Replay(command.IdempotencyKey, fingerprint) is { } replay)
        {
            if (replay.Rejection is { } r) return new(null, r);
            return Outcome<ContributionReceipt>.Ok(ToReceipt(S.Contributions.First(c => c.ContributionId == replay.ResultId), true));
        }

        var current = clock.Current;
        Period period;
        if (string.IsNullOrEmpty(command.Period)) period = current;
        else if (!clock.TryParse(command.Period, out period))
            return Outcome<ContributionReceipt>.Refused(RejectionKind.InvalidArgument, $"'{command.Period}' is not a {clock.Length.ToString().ToLowerInvariant()} period");
        if (period > current)
            return Outcome<ContributionReceipt>.Refused(RejectionKind.FailedPrecondition, $"period {period} has not started yet");
        if (period < Period.Parse(S.EnrollmentPeriod, clock.Length))
            return Outcome<ContributionReceipt>.Refused(RejectionKind.FailedPrecondition, $"period {period} is before the citizen's enrollment");
        var policy = policies.For(period);
        if (!policy.ContributionCategories.Contains(command.Category))
            return Outcome<ContributionReceipt>.Refused(RejectionKind.InvalidArgument, $"'{command.Category}' is not a contribution category of policy v{policy.Version}");
        if (command.Minutes <= 0 || command.Minutes > period.Days * 24 * 60)
            return Outcome<ContributionReceipt>.Refused(RejectionKind.InvalidArgument, "minutes must be positive and fit in the period");

        var record = new ContributionRecord
        {
            ContributionId = $"{CitizenId}:contribution:{S.Contributions.Count + 1}",
            Category = command.Category,
            Minutes = command.Minutes,
            Period = period.ToString(),
            PlatformId = command.PlatformId,
            ReasonCode = new ReasonCode(ReasonRules.ContributionRecorded, policy.Version).ToString(),
            RecordedAt = clock.Now,
        };
        S.Contributions.Add(record);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = record.ContributionId };
        await CommitAsync(() =>
        {
            S.Contributions.Remove(record);
            S.IdempotencyKeys.Remove(command.IdempotencyKey);
        });

        feed.Contributed(S.RegionId, record.Category, record.Minutes);
        return Outcome<ContributionReceipt>.Ok(ToReceipt(record, false));
    }

    public async Task<Outcome<ExemptionReceipt>> GrantExemption(ExemptionCommand command)
    {
        if (!S.Enrolled) return Outcome<ExemptionReceipt>.Refused(RejectionKind.NotFound, $"citizen {CitizenId} is not enrolled");
        var fingerprint = Fingerprint.Of("exemption", command.Category, command.EvidenceReference, command.ExpiresAt, command.ReviewerId);
        if (Replay(command.IdempotencyKey, fingerprint) is { } replay)
        {
            if (replay.Rejection is { } r) return new(null, r);
            return Outcome<ExemptionReceipt>.Ok(ToReceipt(S.Exemptions.First(e => e.ExemptionId == replay.ResultId), true));
        }

        var now = clock.Now;
        var policy = policies.For(clock.Current);
        // The same enumerated list for everyone: there is no category outside it and no discretionary waiver (rule 6).
        if (!policy.ExemptionCategories.Contains(command.Category))
            return Outcome<ExemptionReceipt>.Refused(RejectionKind.InvalidArgument, $"'{command.Category}' is not an exemption category of policy v{policy.Version}");
        if (command.ExpiresAt <= now)
            return Outcome<ExemptionReceipt>.Refused(RejectionKind.InvalidArgument, "an exemption must expire in the future");

        var record = new ExemptionRecord
        {
            ExemptionId = $"{CitizenId}:exemption:{S.Exemptions.Count + 1}",
            Category = command.Category,
            EvidenceReference = command.EvidenceReference,
            GrantedAt = now,
            ExpiresAt = command.ExpiresAt,
            ReviewerId = command.ReviewerId,
            ReasonCode = new ReasonCode(ReasonRules.ExemptionGranted, policy.Version).ToString(),
        };
        S.Exemptions.Add(record);
        S.IdempotencyKeys[command.IdempotencyKey] = new() { Fingerprint = fingerprint, ResultId = record.ExemptionId };
        await CommitAsync(() =>
        {
            S.Exemptions.Remove(record);
            S.IdempotencyKeys.Remove(command.IdempotencyKey);
        });
        return Outcome<ExemptionReceipt>.Ok(ToReceipt(record, false));
    }

    public Task<Outcome<CitizenStatement>> GetStatement(StatementQuery query)
    {
        if (Guard(query.ActingBankId) is { } refused) return Task.FromResult(new Outcome<CitizenStatement>(null, refused));

        // Every period with contributions, and always the current one (with no minutes its standing is still shown).
        var periods = S.Contributions.Select(c => c.Period).Append(clock.Current.ToString()).Distinct().Order(StringComparer.Ordinal);
        var contributions = periods
            .Select(p =>
            {
                var period = Period.Parse(p, clock.Length);
                var policy = policies.For(period);
                var recorded = S.Contributions.Where(c => c.Period == p).ToList();
                var total = recorded.Sum(c => (long)c.Minutes);
                var exempt = S.Exemptions.Any(e => ContributionStanding.Covers(e.GrantedAt, e.ExpiresAt, period));
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
            S.RegionId,
            S.Account!,
            S.EnrolledAt,
            S.Active,
            S.Payouts.Select(p => ToReceipt(p, false)).ToList(),
            contributions,
            S.Exemptions.Select(e => ToReceipt(e, false)).ToList(),
            dividends.Snapshot.AccruedSince(S.EnrolledAt, S.DividendSettledIndex),
            S.Payouts.Where(p => p.Kind == PayoutKind.Dividend).Sum(p => p.Amount),
            policies.Currency);
        return Task.FromResult(Outcome<CitizenStatement>.Ok(statement));
    }

    /// <summary>Not enrolled → NotFound; a bank that does not hold the payout account → PermissionDenied.</summary>
    private Rejection? Guard(string? actingBankId)
    {
        if (!S.Enrolled) return new Rejection(RejectionKind.NotFound, $"citizen {CitizenId} is not enrolled");
        if (actingBankId is not null && actingBankId != S.Account!.BankId)
            return new Rejection(RejectionKind.PermissionDenied, "this citizen's payout account is held by another bank");
        return null;
    }

    private sealed record ReplayHit(string ResultId, Rejection? Rejection);

    private ReplayHit? Replay(string key, string fingerprint)
    {
        if (!S.IdempotencyKeys.TryGetValue(key, out var entry)) return null;
        return entry.Fingerprint == fingerprint
            ? new ReplayHit(entry.ResultId, null)
            : new ReplayHit(entry.ResultId, new Rejection(RejectionKind.AlreadyExists,
                $"idempotency key '{key}' was already used for a different request"));
    }

    /// <summary>
    /// Writes the state; if the write fails the in-memory change is undone and the activation is dropped,
    /// so the next call re-reads what storage really holds (another activation may have written).
    /// </summary>
    private async Task CommitAsync(Action undo)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            DeactivateOnIdle();
            throw;
        }
    }

    private PayoutRecord NewPayout(PayoutKind kind, string period, Money amount, ReasonCode reason, DateTimeOffset now, string? idSuffix = null) => new()
    {
        PayoutId = $"{CitizenId}:{(kind == PayoutKind.Floor ? "floor" : "dividend")}:{idSuffix ?? period}",
        Kind = kind,
        Period = period,
        Amount = amount.MinorUnits,
        Currency = amount.Currency,
        ReasonCode = reason.ToString(),
        PaidAt = now,
    };

    private PayoutRecord? FindPayout(string payoutId) => S.Payouts.FirstOrDefault(p => p.PayoutId == payoutId);

    private EnrollResult EnrollResultFrom(PayoutRecord payout, bool replayed) =>
        new(CitizenId, S.RegionId, S.EnrolledAt, ToReceipt(payout, replayed), replayed);

    private PayoutReceipt ToReceipt(PayoutRecord p, bool replayed) =>
        new(p.PayoutId, CitizenId, p.Kind, p.Period, p.Amount, p.Currency, p.ReasonCode, p.PaidAt, replayed);

    private ContributionReceipt ToReceipt(ContributionRecord c, bool replayed) =>
        new(c.ContributionId, CitizenId, c.Category, c.Minutes, c.Period, c.ReasonCode, replayed);

    private ExemptionReceipt ToReceipt(ExemptionRecord e, bool replayed) =>
        new(e.ExemptionId, CitizenId, e.Category, e.EvidenceReference, e.ExpiresAt, e.ReasonCode, replayed);
}
