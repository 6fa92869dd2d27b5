namespace FloorPay.Domain;

public enum InstructionOutcome
{
    Settled = 1,
    Returned = 2,
}

/// <summary>What a bank reported for one instruction: settled, or returned with a reason. At most one per instruction.</summary>
public sealed record InstructionOutcomeRecord(
    string InstructionId,
    string BankId,
    string CitizenId,
    InstructionOutcome Outcome,
    string Reason,
    long Amount,
    DateTimeOffset RecordedAt);
