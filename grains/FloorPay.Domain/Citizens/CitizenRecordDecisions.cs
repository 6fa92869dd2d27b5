namespace FloorPay.Domain.Citizens;

// The civic records: contributions, exemptions, appeals, their resolutions and second approvals (rules 6, 9, 13).
public static partial class CitizenDecisions
{
    private static CitizenDecision RecordContribution(CitizenState state, ContributionRequest r, DecisionContext context)
    {
        if (NotEnrolled(state) is { } missing) return missing;
        var fingerprint = Fingerprint.Of("contribution", r.Category, r.Minutes, r.Period ?? "", r.PlatformId);
        if (Replay(state, r, fingerprint, id => state.Contributions.FirstOrDefault(c => c.ContributionId == id)) is { } replay) return replay;
        if (ResolvePeriod(r.Period, context.Length, context.Now) is not { } period)
            return CitizenDecision.Refuse(RejectionKind.InvalidArgument, $"'{r.Period}' is not a {context.Length.ToString().ToLowerInvariant()} period");
        if (PeriodProblem(state, period, context.Length, context.Now) is { } problem) return CitizenDecision.Refused(problem);
        var policy = context.Policies.For(period);
        if (!policy.ContributionCategories.Contains(r.Category))
            return CitizenDecision.Refuse(RejectionKind.InvalidArgument, $"'{r.Category}' is not a contribution category of policy v{policy.Version}");
        if (r.Minutes <= 0 || r.Minutes > period.Days * 24 * 60)
            return CitizenDecision.Refuse(RejectionKind.InvalidArgument, "minutes must be positive and fit in the period");
        var recorded = state.Contributions.Count(c => c.Period == period.ToString());
        if (OverLimit(recorded, context.RecordLimits.ContributionsPerPeriod, "contributions", period, context.Now) is { } full)
            return CitizenDecision.Refused(full);

        var entry = new ContributionEntry($"{state.CitizenId}:contribution:{state.Contributions.Count + 1}", state.CitizenId, r.Category, r.Minutes,
            period.ToString(), r.PlatformId, new ReasonCode(ReasonRules.ContributionRecorded, policy.Version).ToString(), r.IdempotencyKey,
            fingerprint, context.Now);
        return CitizenDecision.Append(entry, [entry, KeyOf(state, r, entry.ContributionId, fingerprint, context)]);
    }

    private static CitizenDecision GrantExemption(CitizenState state, ExemptionRequest r, DecisionContext context)
    {
        if (NotEnrolled(state) is { } missing) return missing;
        var fingerprint = Fingerprint.Of("exemption", r.Category, r.EvidenceReference, r.ExpiresAt, r.ReviewerId);
        if (Replay(state, r, fingerprint, id => state.Exemptions.FirstOrDefault(e => e.ExemptionId == id)) is { } replay) return replay;
        var current = context.Current;
        var policy = context.Policies.For(current);
        // The same enumerated list for everyone: there is no category outside it and no discretionary waiver (rule 6).
        if (!policy.ExemptionCategories.Contains(r.Category))
            return CitizenDecision.Refuse(RejectionKind.InvalidArgument, $"'{r.Category}' is not an exemption category of policy v{policy.Version}");
        if (r.ExpiresAt <= context.Now) return CitizenDecision.Refuse(RejectionKind.InvalidArgument, "an exemption must expire in the future");
        var granted = state.Exemptions.Count(e => current.Contains(e.GrantedAt));
        if (OverLimit(granted, context.RecordLimits.ExemptionsPerPeriod, "exemptions", current, context.Now) is { } full) return CitizenDecision.Refused(full);

        var entry = new ExemptionEntry($"{state.CitizenId}:exemption:{state.Exemptions.Count + 1}", state.CitizenId, r.Category, r.EvidenceReference,
            context.Now, r.ExpiresAt, r.ReviewerId, new ReasonCode(ReasonRules.ExemptionGranted, policy.Version).ToString(), r.IdempotencyKey, fingerprint);
        return CitizenDecision.Append(entry, [entry, KeyOf(state, r, entry.ExemptionId, fingerprint, context)]);
    }

    private static CitizenDecision FileAppeal(CitizenState state, AppealRequest r, DecisionContext context)
    {
        if (Guard(state, r.ActingBankId, context.Now) is { } refused) return CitizenDecision.Refused(refused);
        var fingerprint = Fingerprint.Of("appeal", r.DecisionId, r.Ground, r.EvidenceReference ?? "", r.FiledBy);
        if (Replay(state, r, fingerprint, id => state.Appeals.FirstOrDefault(a => a.AppealId == id)) is { } replay) return replay;
        if (!AppealGrounds.All.Contains(r.Ground))
            return CitizenDecision.Refuse(RejectionKind.InvalidArgument, $"ground must be one of: {string.Join(", ", AppealGrounds.All)}");
        // Only a decision recorded for this citizen can be appealed: a free-text reference would let anyone open a
        // correction on nothing (rule 9).
        if (state.DecisionPeriod(r.DecisionId, context.Length) is null)
            return CitizenDecision.Refuse(RejectionKind.NotFound, $"decision {r.DecisionId} does not exist for citizen {state.CitizenId}");
        var current = context.Current;
        var filed = state.Appeals.Count(a => current.Contains(a.FiledAt));
        if (OverLimit(filed, context.RecordLimits.AppealsPerPeriod, "appeals", current, context.Now) is { } full) return CitizenDecision.Refused(full);

        var entry = new AppealEntry($"{state.CitizenId}:appeal:{state.Appeals.Count + 1}", state.CitizenId, r.DecisionId, r.Ground, r.EvidenceReference,
            r.FiledBy, context.Now, r.IdempotencyKey, fingerprint);
        return CitizenDecision.Append(entry, [entry, KeyOf(state, r, entry.AppealId, fingerprint, context)]);
    }

    private static CitizenDecision ResolveAppeal(CitizenState state, ResolutionRequest r, DecisionContext context)
    {
        if (NotEnrolled(state) is { } missing) return missing;
        if (state.Appeals.FirstOrDefault(a => a.AppealId == r.AppealId) is not { } appeal)
            return CitizenDecision.Refuse(RejectionKind.NotFound, $"appeal {r.AppealId} does not exist");
        var fingerprint = Fingerprint.Of("resolve-appeal", r.AppealId, r.Outcome, r.Reason, r.CorrectiveAmount, r.ReviewerId);
        var resolutionId = $"resolution/{appeal.AppealId}";
        if (Replay(state, r, fingerprint, id => id == resolutionId ? appeal : null) is { } replay) return replay;
        if (state.Resolutions.Any(x => x.AppealId == appeal.AppealId))
            return CitizenDecision.Refuse(RejectionKind.AlreadyExists, $"appeal {appeal.AppealId} was already resolved");
        // Separation of duties (rule 9): whoever filed an appeal never resolves it.
        if (r.ReviewerId == appeal.FiledBy)
            return CitizenDecision.Refuse(RejectionKind.PermissionDenied, "the participant who filed an appeal cannot resolve it");
        if (r.Outcome == AppealOutcome.Rejected && r.CorrectiveAmount != 0)
            return CitizenDecision.Refuse(RejectionKind.InvalidArgument, "only an upheld appeal can order a corrective payment");

        var current = context.Current;
        var policy = context.Policies.For(current);
        var reason = new ReasonCode(r.Outcome == AppealOutcome.Upheld ? ReasonRules.AppealUpheld : ReasonRules.AppealRejected, policy.Version);
        var limit = CorrectionLimitOf(state, appeal, context);
        var resolution = new AppealResolutionEntry(appeal.AppealId, state.CitizenId, r.Outcome, r.Reason, r.CorrectiveAmount, r.ReviewerId,
            context.Now, reason.ToString(), r.IdempotencyKey, fingerprint, limit);
        List<JournalEntry> entries = [resolution, KeyOf(state, r, resolution.JournalId, fingerprint, context)];
        // Up to the limit one reviewer's resolution pays at once; above it the correction waits for a second reviewer.
        // The correction and the resolution commit together: there is never one without the other.
        if (r.CorrectiveAmount > 0 && !CorrectionLimit.NeedsSecondApproval(r.CorrectiveAmount, limit))
            entries.Add(NewPayout(state, PayoutKind.Correction, CitizenState.AppealNumber(appeal), current, new Money(r.CorrectiveAmount, policy.Currency),
                reason, r.IdempotencyKey, fingerprint, context.Now));
        return CitizenDecision.Append(appeal, entries);
    }

    private static CitizenDecision ApproveCorrection(CitizenState state, ApprovalRequest r, DecisionContext context)
    {
        if (NotEnrolled(state) is { } missing) return missing;
        if (state.Appeals.FirstOrDefault(a => a.AppealId == r.AppealId) is not { } appeal)
            return CitizenDecision.Refuse(RejectionKind.NotFound, $"appeal {r.AppealId} does not exist");
        var fingerprint = Fingerprint.Of("approve-correction", r.AppealId, r.ReviewerId);
        var approvalId = $"approval/{appeal.AppealId}";
        if (Replay(state, r, fingerprint, id => id == approvalId ? appeal : null) is { } replay) return replay;
        if (state.Approvals.Any(a => a.AppealId == appeal.AppealId))
            return CitizenDecision.Refuse(RejectionKind.AlreadyExists, $"the correction of {appeal.AppealId} was already approved");
        if (state.Resolutions.FirstOrDefault(x => x.AppealId == appeal.AppealId) is not { } resolution || !state.AwaitsApproval(resolution))
            return CitizenDecision.Refuse(RejectionKind.FailedPrecondition, $"appeal {appeal.AppealId} has no correction waiting for a second approval");
        if (r.ReviewerId == resolution.ReviewerId || r.ReviewerId == appeal.FiledBy)
            return CitizenDecision.Refuse(RejectionKind.PermissionDenied,
                "a correction above the limit needs a second reviewer who neither filed the appeal nor resolved it");

        var current = context.Current;
        var policy = context.Policies.For(current);
        var approval = new CorrectionApprovalEntry(appeal.AppealId, state.CitizenId, r.ReviewerId, context.Now, r.IdempotencyKey, fingerprint);
        var payout = NewPayout(state, PayoutKind.Correction, CitizenState.AppealNumber(appeal), current, new Money(resolution.CorrectiveAmount, policy.Currency),
            new ReasonCode(ReasonRules.AppealUpheld, policy.Version), r.IdempotencyKey, fingerprint, context.Now);
        return CitizenDecision.Append(appeal, [approval, payout, KeyOf(state, r, approval.JournalId, fingerprint, context)]);
    }

    /// <summary>One floor amount of the disputed decision's period, under that period's policy.</summary>
    public static long CorrectionLimitOf(CitizenState state, AppealEntry appeal, DecisionContext context) =>
        CorrectionLimit.For(context.Policies.For(state.DecisionPeriod(appeal.DecisionId, context.Length) ?? Period.Containing(appeal.FiledAt, context.Length)));

    /// <summary>Rule 13: a citizen gains at most so many records of a kind per period; the bound opens with the next period.</summary>
    private static Refusal? OverLimit(int recorded, int limit, string what, Period period, DateTimeOffset now)
    {
        if (recorded < limit) return null;
        var opens = new DateTimeOffset(period.End.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var wait = Math.Max(1_000L, (long)(opens - now).TotalMilliseconds);
        return new Refusal(RejectionKind.ResourceExhausted, $"a citizen may gain at most {limit} {what} per period; {period} has {recorded}", wait);
    }

    private static CitizenDecision? NotEnrolled(CitizenState state) =>
        state.Enrollment is null ? CitizenDecision.Refuse(RejectionKind.NotFound, $"citizen {state.CitizenId} is not enrolled") : null;

    /// <summary>This scope's key, used here before: the same request replays what it produced; anything else is refused.</summary>
    private static CitizenDecision? Replay(CitizenState state, CitizenRequest r, string fingerprint, Func<string, JournalEntry?> produced)
    {
        if (state.KeyUsed(r.Scope, r.IdempotencyKey) is not { } used) return null;
        return used.Fingerprint == fingerprint && produced(used.EntryId) is { } subject
            ? CitizenDecision.Replay(subject)
            : CitizenDecision.Refused(KeyReused(r.IdempotencyKey));
    }

    private static IdempotencyKeyEntry KeyOf(CitizenState state, CitizenRequest r, string entryId, string fingerprint, DecisionContext context) =>
        new(r.Scope, r.IdempotencyKey, state.CitizenId, entryId, fingerprint, context.Now);
}
