namespace FloorPay.Grains;

/// <summary>
/// One payout as the ledger records it: the source of truth for money. The enrollment payout also carries the
/// enrollment facts (region, payout account, instant), so a citizen's payouts and enrollment rebuild from the ledger.
/// <see cref="Slot"/> is what makes it unique for the citizen and kind: the period of a floor payout, the settled
/// dividend index of a dividend claim.
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
    DateTimeOffset PaidAt);
