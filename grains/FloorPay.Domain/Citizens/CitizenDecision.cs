namespace FloorPay.Domain.Citizens;

/// <summary>A refused request, with when a bound opens again. A refusal changes nothing.</summary>
public sealed record Refusal(RejectionKind Kind, string Message, long? RetryAfterMilliseconds = null);

/// <summary>
/// What a request comes to: entries to append together (a payout with its idempotency key), the payout already made
/// under this key (a replay), or a refusal.
/// </summary>
public sealed record CitizenDecision(IReadOnlyList<JournalEntry> Entries, PayoutPosting? Payout, bool Replayed, Refusal? Refusal)
{
    public static CitizenDecision Append(PayoutPosting payout, IdempotencyKeyEntry key) => new([payout, key], payout, false, null);

    public static CitizenDecision Replay(PayoutPosting payout) => new([], payout, true, null);

    public static CitizenDecision Refuse(RejectionKind kind, string message) => Refused(new Refusal(kind, message));

    public static CitizenDecision Refused(Refusal refusal) => new([], null, false, refusal);
}

/// <summary>What a decision reads besides the citizen: the published policy, the period length, the instant, the dividend index.</summary>
public sealed record DecisionContext(PolicyBook Policies, PeriodLength Length, DateTimeOffset Now, DividendIndex Dividends)
{
    public Period Current => Period.Containing(Now, Length);
}
