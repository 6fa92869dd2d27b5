using System.Globalization;

namespace FloorPay.Domain.Citizens;

/// <summary>
/// The citizen's rules as one pure function of the citizen's journal and the request: every writer that pays or records
/// for a citizen decides here. A replay (same scope, key and content) answers with what the key first produced.
/// </summary>
public static partial class CitizenDecisions
{
    public static CitizenDecision Decide(CitizenState state, CitizenRequest request, DecisionContext context) => request switch
    {
        EnrollmentRequest r => Enroll(state, r, context),
        FloorPayoutRequest r => PayFloor(state, r, context),
        DividendClaimRequest r => ClaimDividends(state, r, context),
        ContributionRequest r => RecordContribution(state, r, context),
        ExemptionRequest r => GrantExemption(state, r, context),
        AppealRequest r => FileAppeal(state, r, context),
        ResolutionRequest r => ResolveAppeal(state, r, context),
        ApprovalRequest r => ApproveCorrection(state, r, context),
        AccountChangeRequest r => ChangeAccount(state, r, context),
        ReleaseRequest r => Release(state, r, context),
        ReturnRequest r => Return(state, r, context),
        _ => throw new ArgumentException($"no rule decides {request.GetType().Name}", nameof(request)),
    };

    private static CitizenDecision Enroll(CitizenState state, EnrollmentRequest r, DecisionContext context)
    {
        var fingerprint = Fingerprint.OfEnrollment(r.RegionId, r.BankId, r.AccountToken);
        if (Replay(state, r, fingerprint) is { } replay) return replay;
        if (r.ActingBankId != r.BankId) return CitizenDecision.Refuse(RejectionKind.PermissionDenied, "a bank can enroll only its own account holders");
        if (state.Enrollment is not null) return CitizenDecision.Refuse(RejectionKind.AlreadyExists, $"citizen {state.CitizenId} is already enrolled");

        // An envelope fixes the instant it priced its totals at, so that it pays exactly those totals.
        var at = r.PricedAt ?? context.Now;
        var period = Period.Containing(at, context.Length);
        var (amount, reason) = FloorEntitlement.AtEnrollment(context.Policies.For(period), period, at);
        var payout = PayoutPosting.Floor(state.CitizenId, period.ToString(), amount, reason, r.RegionId, r.BankId, r.AccountToken, r.IdempotencyKey,
            fingerprint, enrollment: true, at);
        return Append(state, r, payout, context);
    }

    private static CitizenDecision PayFloor(CitizenState state, FloorPayoutRequest r, DecisionContext context)
    {
        if (Guard(state, r.ActingBankId, context.Now) is { } refused) return CitizenDecision.Refused(refused);
        var fingerprint = Fingerprint.OfFloorPayout(r.Period);
        if (Replay(state, r, fingerprint) is { } replay) return replay;
        if (ResolvePeriod(string.IsNullOrEmpty(r.Period) ? r.DefaultPeriod : r.Period, context.Length, context.Now) is not { } period)
            return CitizenDecision.Refuse(RejectionKind.InvalidArgument, $"'{r.Period}' is not a {context.Length.ToString().ToLowerInvariant()} period");
        if (PeriodProblem(state, period, context.Length, context.Now) is { } problem) return CitizenDecision.Refused(problem);
        if (state.FloorFor(period) is { } paid)
            return CitizenDecision.Refuse(RejectionKind.AlreadyExists, $"the floor for {period} was already paid as {paid.PayoutId}");

        var (bankId, accountToken) = state.EffectiveAccount(context.Now);
        return Append(state, r, RollFloor(state.CitizenId, state.Enrollment!.RegionId, bankId, accountToken, period, context.Policies, r.IdempotencyKey,
            r.Period, context.Now), context);
    }

    /// <summary>
    /// The floor for <paramref name="period"/> to an enrolled citizen in <paramref name="regionId"/>, paid to the account
    /// in effect; <paramref name="askedPeriod"/> is the period as the caller wrote it (the request's fingerprint). The
    /// payday run and envelopes pay it from the enrollment roll without loading the citizen: the ledger's unique
    /// (citizen, kind, slot) key refuses a second floor for a period, whoever decided the first.
    /// </summary>
    public static PayoutPosting RollFloor(string citizenId, string regionId, string bankId, string accountToken, Period period, PolicyBook policies,
        string idempotencyKey, string? askedPeriod, DateTimeOffset now)
    {
        var (amount, reason) = FloorEntitlement.ForPeriod(policies.For(period));
        return PayoutPosting.Floor(citizenId, period.ToString(), amount, reason, regionId, bankId, accountToken, idempotencyKey,
            Fingerprint.OfFloorPayout(askedPeriod), enrollment: false, now);
    }

    private static CitizenDecision ClaimDividends(CitizenState state, DividendClaimRequest r, DecisionContext context)
    {
        if (Guard(state, r.ActingBankId, context.Now) is { } refused) return CitizenDecision.Refused(refused);
        var fingerprint = Fingerprint.Of("claim-dividends");
        if (Replay(state, r, fingerprint) is { } replay) return replay;

        var index = context.Dividends;
        var from = Math.Max(state.SettledDividendIndex, index.At(state.Enrollment!.PaidAt));
        var accrued = index.Current - from;
        if (accrued <= 0) return CitizenDecision.Refuse(RejectionKind.FailedPrecondition, "no dividends have accrued since the last claim");

        var period = context.Current;
        var policy = context.Policies.For(period);
        // The slot is the index the claim starts from: a stale activation or a resend under a new key claims from the
        // same point and collides in the ledger, so no two claims can cover the same part of the index.
        var slot = from.ToString(CultureInfo.InvariantCulture);
        return Append(state, r, NewPayout(state, PayoutKind.Dividend, slot, period, new Money(accrued, policy.Currency),
            new ReasonCode(ReasonRules.DividendClaim, policy.Version), r.IdempotencyKey, fingerprint, context.Now), context);
    }

    /// <summary>Not enrolled → NotFound; a bank that does not hold the payout account → PermissionDenied.</summary>
    public static Refusal? Guard(CitizenState state, string? actingBankId, DateTimeOffset now)
    {
        if (state.Enrollment is null) return new Refusal(RejectionKind.NotFound, $"citizen {state.CitizenId} is not enrolled");
        if (actingBankId is not null && actingBankId != state.EffectiveAccount(now).BankId)
            return new Refusal(RejectionKind.PermissionDenied, "this citizen's payout account is held by another bank");
        return null;
    }

    private static CitizenDecision? Replay(CitizenState state, CitizenRequest r, string fingerprint) =>
        Replay(state, r, fingerprint, id => state.Payouts.FirstOrDefault(p => p.PayoutId == id));

    public static Refusal KeyReused(string key) => new(RejectionKind.AlreadyExists, $"idempotency key '{key}' was already used for a different request");

    /// <summary>The period a caller named (empty: the current one); null if the text is not a period of this length.</summary>
    private static Period? ResolvePeriod(string? text, PeriodLength length, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(text)) return Period.Containing(now, length);
        return Period.TryParse(text, length, out var period) ? period : null;
    }

    /// <summary>Only periods from the enrollment period to the current one can be paid or credited.</summary>
    private static Refusal? PeriodProblem(CitizenState state, Period period, PeriodLength length, DateTimeOffset now)
    {
        var current = Period.Containing(now, length);
        if (period > current) return new Refusal(RejectionKind.FailedPrecondition, $"period {period} has not started yet (current: {current})");
        var enrolled = Period.Parse(state.Enrollment!.Slot, length);
        if (period < enrolled) return new Refusal(RejectionKind.FailedPrecondition, $"period {period} is before the citizen's enrollment ({enrolled})");
        return null;
    }

    /// <summary>A payout to the citizen's account in effect at <paramref name="now"/>, in the enrollment's region.</summary>
    private static PayoutPosting NewPayout(CitizenState state, PayoutKind kind, string slot, Period period, Money amount, ReasonCode reason,
        string idempotencyKey, string fingerprint, DateTimeOffset now)
    {
        var (bankId, accountToken) = state.EffectiveAccount(now);
        return new PayoutPosting(PayoutPosting.IdOf(state.CitizenId, kind, slot), state.CitizenId, kind, slot, period.ToString(), amount.MinorUnits,
            amount.Currency, reason.ToString(), state.Enrollment!.RegionId, bankId, accountToken, idempotencyKey, fingerprint, Enrollment: false, now);
    }

    // The key is recorded in the same append as the payout it produced: a key always names one request.
    private static CitizenDecision Append(CitizenState state, CitizenRequest r, PayoutPosting payout, DecisionContext context) =>
        CitizenDecision.Append(payout, KeyOf(state, r, payout.PayoutId, payout.Fingerprint, context));
}
