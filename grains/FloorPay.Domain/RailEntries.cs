namespace FloorPay.Domain;

/// <summary>
/// An instruction a citizen asks for explicitly: a re-issue of a returned payment, or a notice to the old bank of an
/// account change. (A payout's own instruction is written by the ledger with the payout.) The ledger numbers it.
/// </summary>
public sealed record InstructionEntry(
    string InstructionId,
    string BankId,
    InstructionKind Kind,
    string? PayoutId,
    string CitizenId,
    string AccountToken,
    long Amount,
    string Currency,
    string Period,
    string ReasonCode,
    string? ReissueOf,
    DateTimeOffset IssuedAt) : JournalEntry
{
    public override string JournalId => InstructionId;
}

/// <summary>A settlement or a return reported by a bank: an append-only record, one per instruction.</summary>
public sealed record InstructionOutcomeEntry(InstructionOutcomeRecord Record) : JournalEntry
{
    public override string JournalId => $"outcome/{Record.InstructionId}";
}

/// <summary>A change of payout account: in effect from <see cref="EffectiveAt"/> (after the cooling-off).</summary>
public sealed record AccountChangeEntry(
    string ChangeId,
    string CitizenId,
    string BankId,
    string AccountToken,
    string PreviousBankId,
    string PreviousAccountToken,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset EffectiveAt,
    string IdempotencyKey,
    string Fingerprint) : JournalEntry
{
    public override string JournalId => ChangeId;
}

/// <summary>
/// The bank holding a citizen's payout account releases it to another bank, which may claim it (an account change of
/// its own) until <see cref="ExpiresAt"/>. An append-only record.
/// </summary>
public sealed record AccountReleaseEntry(
    string ReleaseId,
    string CitizenId,
    string FromBankId,
    string ToBankId,
    DateTimeOffset ReleasedAt,
    DateTimeOffset ExpiresAt,
    string IdempotencyKey,
    string Fingerprint) : JournalEntry
{
    public override string JournalId => ReleaseId;
}
