namespace FloorPay.Domain;

/// <summary>
/// One payout as the ledger records it: the source of truth for money. The enrollment payout also carries the
/// enrollment facts (region, payout account, instant), so a citizen's payouts and enrollment rebuild from the ledger.
/// <see cref="Slot"/> is what makes it unique for the citizen and kind: the period of a floor payout, the
/// dividend index a dividend claim starts from (it covers the index from there, for its amount).
/// </summary>
public sealed record PayoutPosting(
    string PayoutId,
    string CitizenId,
    PayoutKind Kind,
    string Slot,
    string Period,
    long Amount,
    string Currency,
    string ReasonCode,
    string RegionId,
    string BankId,
    string AccountToken,
    string IdempotencyKey,
    string Fingerprint,
    bool Enrollment,
    DateTimeOffset PaidAt) : JournalEntry
{
    public override string JournalId => PayoutId;

    /// <summary>The id scheme that makes a payout's id unique per citizen, kind and slot, wherever it is decided.</summary>
    public static string IdOf(string citizenId, PayoutKind kind, string slot) => $"{citizenId}:{kind.ToString().ToLowerInvariant()}:{slot}";

    /// <summary>A floor payout for <paramref name="period"/> (its slot), as the citizen, an envelope or the payday run decides it.</summary>
    public static PayoutPosting Floor(string citizenId, string period, Money amount, ReasonCode reason, string regionId,
        string bankId, string accountToken, string idempotencyKey, string fingerprint, bool enrollment, DateTimeOffset paidAt) =>
        new(IdOf(citizenId, PayoutKind.Floor, period), citizenId, PayoutKind.Floor, period, period, amount.MinorUnits, amount.Currency, reason.ToString(),
            regionId, bankId, accountToken, idempotencyKey, fingerprint, enrollment, paidAt);

    /// <summary>The instruction this payout gets in the outbox: same id, the payout's bank and account.</summary>
    public InstructionEntry Instruction() => new(
        PayoutId, BankId, (InstructionKind)(int)Kind, PayoutId, CitizenId, AccountToken, Amount, Currency, Period, ReasonCode, null, PaidAt);
}
