namespace FloorPay.Domain.Citizens;

// The payment rails: account changes, releases between banks, returned payments and their re-issue (rules 10, 11).
public static partial class CitizenDecisions
{
    private static CitizenDecision ChangeAccount(CitizenState state, AccountChangeRequest r, DecisionContext context)
    {
        if (NotEnrolled(state) is { } missing) return missing;
        var fingerprint = Fingerprint.Of("change-account", r.BankId, r.AccountToken);
        if (Replay(state, r, fingerprint, id => state.AccountChanges.FirstOrDefault(c => c.ChangeId == id)) is { } replay) return replay;
        if (r.ActingBankId != r.BankId)
            return CitizenDecision.Refuse(RejectionKind.PermissionDenied, "a bank can move payouts only to an account it holds");
        var now = context.Now;
        var onFile = state.AccountOnFile();
        // Rule 11: a bank changes only its own account holders' accounts; another bank's holder must first be released
        // to it by that bank (then this change is the claim).
        if (onFile.BankId != r.ActingBankId && state.OpenRelease(now)?.ToBankId != r.ActingBankId)
            return CitizenDecision.Refuse(RejectionKind.PermissionDenied,
                "this citizen's payout account is held by another bank: that bank must release the citizen to you first");
        if (onFile == (r.BankId, r.AccountToken) && !state.AccountNeedsUpdate())
            return CitizenDecision.Refuse(RejectionKind.FailedPrecondition, "this is already the citizen's payout account");
        var current = context.Current;
        var changes = state.AccountChanges.Count(c => current.Contains(c.RequestedAt));
        if (OverLimit(changes, context.RecordLimits.AccountChangesPerPeriod, "account changes", current, now) is { } full) return CitizenDecision.Refused(full);

        var change = new AccountChangeEntry($"{state.CitizenId}:account:{state.AccountChanges.Count + 1}", state.CitizenId, r.BankId, r.AccountToken,
            onFile.BankId, onFile.AccountToken, r.ActingBankId, now, now + context.AccountRules.CoolingOff, r.IdempotencyKey, fingerprint);
        // The old bank's notice commits with the change: a crash can never leave a change the old bank was not told of.
        var policy = context.Policies.For(current);
        var notice = new InstructionEntry($"{change.ChangeId}:notice", change.PreviousBankId, InstructionKind.Notice, null, state.CitizenId,
            change.PreviousAccountToken, 0, policy.Currency, current.ToString(), new ReasonCode(ReasonRules.AccountChangeNotice, policy.Version).ToString(),
            null, change.RequestedAt);
        return CitizenDecision.Append(change, [change, notice, KeyOf(state, r, change.ChangeId, fingerprint, context)]);
    }

    private static CitizenDecision Release(CitizenState state, ReleaseRequest r, DecisionContext context)
    {
        if (NotEnrolled(state) is { } missing) return missing;
        var fingerprint = Fingerprint.Of("release-account", r.ToBankId, r.ActingBankId);
        if (Replay(state, r, fingerprint, id => state.Releases.FirstOrDefault(x => x.ReleaseId == id)) is { } replay) return replay;
        if (state.AccountOnFile().BankId != r.ActingBankId)
            return CitizenDecision.Refuse(RejectionKind.PermissionDenied, "only the bank holding the citizen's payout account can release it");
        if (r.ToBankId == r.ActingBankId) return CitizenDecision.Refuse(RejectionKind.InvalidArgument, "a release names another bank");
        var current = context.Current;
        var releases = state.Releases.Count(x => current.Contains(x.ReleasedAt));
        if (OverLimit(releases, context.RecordLimits.ReleasesPerPeriod, "releases", current, context.Now) is { } full) return CitizenDecision.Refused(full);

        var release = new AccountReleaseEntry($"{state.CitizenId}:release:{state.Releases.Count + 1}", state.CitizenId, r.ActingBankId, r.ToBankId,
            context.Now, context.Now + context.AccountRules.TransferWindow, r.IdempotencyKey, fingerprint);
        return CitizenDecision.Append(release, [release, KeyOf(state, r, release.ReleaseId, fingerprint, context)]);
    }

    private static CitizenDecision Return(CitizenState state, ReturnRequest r, DecisionContext context)
    {
        var instruction = state.Instructions.FirstOrDefault(i => i.InstructionId == r.InstructionId);
        if (instruction is null || instruction.BankId != r.ActingBankId)
            return CitizenDecision.Refuse(RejectionKind.NotFound, $"instruction {r.InstructionId} does not exist for this bank");
        if (instruction.Kind == InstructionKind.Notice)
            return CitizenDecision.Refuse(RejectionKind.FailedPrecondition, "a notice carries no money and cannot be returned");
        if (state.Outcomes.FirstOrDefault(o => o.InstructionId == instruction.InstructionId) is { } outcome)
        {
            if (outcome.Outcome == InstructionOutcome.Settled)
                return CitizenDecision.Refuse(RejectionKind.FailedPrecondition, $"instruction {instruction.InstructionId} was already settled");
            if (outcome.Reason != r.Reason)
                return CitizenDecision.Refuse(RejectionKind.AlreadyExists, $"instruction {instruction.InstructionId} was already returned ({outcome.Reason})");
            return CitizenDecision.Replay(new InstructionOutcomeEntry(outcome));
        }
        var returned = new InstructionOutcomeEntry(new InstructionOutcomeRecord(instruction.InstructionId, instruction.BankId, state.CitizenId,
            InstructionOutcome.Returned, r.Reason, instruction.Amount, context.Now));
        return CitizenDecision.Append(returned, [returned]);
    }

    /// <summary>
    /// The re-issue of a returned instruction to the account in effect, numbered after the payout's earlier attempts;
    /// null if it was already re-issued. (Whether it is due is the ledger's rule, asked of every silo's sweep too.)
    /// </summary>
    public static InstructionEntry? Reissue(CitizenState state, string returnedInstructionId, DateTimeOffset now)
    {
        if (state.Instructions.Any(i => i.ReissueOf == returnedInstructionId)) return null;
        var original = state.Instructions.First(i => i.InstructionId == returnedInstructionId);
        var attempt = state.Instructions.Count(i => i.PayoutId == original.PayoutId);
        var (bankId, accountToken) = state.EffectiveAccount(now);
        return new InstructionEntry($"{original.PayoutId}:reissue:{attempt}", bankId, original.Kind, original.PayoutId, state.CitizenId, accountToken,
            original.Amount, original.Currency, original.Period, original.ReasonCode, original.InstructionId, now);
    }
}
