namespace FloorPay.Grains;

/// <summary>Contribution minutes recorded for a citizen: an append-only record, like a payout.</summary>
public sealed record ContributionEntry(
    string ContributionId,
    string CitizenId,
    string Category,
    int Minutes,
    string Period,
    string PlatformId,
    string ReasonCode,
    string IdempotencyKey,
    string Fingerprint,
    DateTimeOffset RecordedAt);

/// <summary>An exemption granted to a citizen from the enumerated list: an append-only record.</summary>
public sealed record ExemptionEntry(
    string ExemptionId,
    string CitizenId,
    string Category,
    string EvidenceReference,
    DateTimeOffset GrantedAt,
    DateTimeOffset ExpiresAt,
    string ReviewerId,
    string ReasonCode,
    string IdempotencyKey,
    string Fingerprint);

/// <summary>Everything recorded about one citizen, oldest first: what a citizen activation rebuilds itself from.</summary>
public sealed record CitizenHistory(
    IReadOnlyList<PayoutPosting> Payouts,
    IReadOnlyList<ContributionEntry> Contributions,
    IReadOnlyList<ExemptionEntry> Exemptions)
{
    public static readonly CitizenHistory Empty = new([], [], []);
}
