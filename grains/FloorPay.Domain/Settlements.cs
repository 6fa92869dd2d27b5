using FloorPay.Domain.Citizens;

namespace FloorPay.Domain;

/// <summary>An instruction as a bank's settlement finds it in the outbox: whose it is, what it carries, its outcome so far.</summary>
public sealed record SettlementCandidate(string InstructionId, string BankId, InstructionKind Kind, string CitizenId, long Amount,
    InstructionOutcomeRecord? Outcome);

/// <summary>
/// What a bank's settlement batch comes to: the outcomes to append and the instructions it had settled already, or
/// a refusal of the whole batch.
/// </summary>
public sealed record SettlementDecision(IReadOnlyList<InstructionOutcomeEntry> Outcomes, IReadOnlySet<string> AlreadySettled, Refusal? Refusal);

/// <summary>
/// A bank confirms that instructions it was sent have settled. Each instruction has at most one outcome (the ledger's
/// unique key), so a settlement that races the bank's own return of the same payment loses cleanly.
/// </summary>
public static class Settlements
{
    public static SettlementDecision Decide(string bankId, IReadOnlyList<string> instructionIds,
        IReadOnlyDictionary<string, SettlementCandidate> found, DateTimeOffset now)
    {
        // The whole batch is checked before anything is recorded: one bad id refuses it all.
        foreach (var id in instructionIds)
        {
            // Another bank's instruction is reported as absent, so a bank cannot probe which ids exist.
            if (!found.TryGetValue(id, out var candidate) || candidate.BankId != bankId)
                return Refused(RejectionKind.NotFound, $"instruction {id} does not exist for this bank; nothing was recorded");
            if (candidate.Kind == InstructionKind.Notice)
                return Refused(RejectionKind.FailedPrecondition, $"{id} is a notice and carries no money; nothing was recorded");
            if (candidate.Outcome?.Outcome == InstructionOutcome.Returned)
                return Refused(RejectionKind.FailedPrecondition, $"instruction {id} was returned and cannot be settled; nothing was recorded");
        }
        var already = instructionIds.Where(id => found[id].Outcome?.Outcome == InstructionOutcome.Settled).ToHashSet(StringComparer.Ordinal);
        var outcomes = instructionIds.Where(id => !already.Contains(id)).Select(id => found[id])
            .Select(i => new InstructionOutcomeEntry(new InstructionOutcomeRecord(i.InstructionId, i.BankId, i.CitizenId, InstructionOutcome.Settled,
                "settled", i.Amount, now)))
            .ToList();
        return new SettlementDecision(outcomes, already, null);
    }

    private static SettlementDecision Refused(RejectionKind kind, string message) =>
        new([], new HashSet<string>(), new Refusal(kind, message));
}
