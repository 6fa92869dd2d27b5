namespace FloorPay.Domain.Citizens;

/// <summary>A refused request, with when a bound opens again. A refusal changes nothing.</summary>
public sealed record Refusal(RejectionKind Kind, string Message, long? RetryAfterMilliseconds = null);

/// <summary>
/// What a request comes to: entries to append together (a record with its idempotency key, and what commits with it),
/// the record this key already produced (a replay), or a refusal. <see cref="Subject"/> is what the answer is about:
/// the payout, the contribution, the exemption, the appeal.
/// </summary>
public sealed record CitizenDecision(IReadOnlyList<JournalEntry> Entries, JournalEntry? Subject, bool Replayed, Refusal? Refusal)
{
    public PayoutPosting? Payout => Subject as PayoutPosting;

    public static CitizenDecision Append(JournalEntry subject, IReadOnlyList<JournalEntry> entries) => new(entries, subject, false, null);

    public static CitizenDecision Append(PayoutPosting payout, IdempotencyKeyEntry key) => new([payout, key], payout, false, null);

    public static CitizenDecision Replay(JournalEntry subject) => new([], subject, true, null);

    public static CitizenDecision Refuse(RejectionKind kind, string message) => Refused(new Refusal(kind, message));

    public static CitizenDecision Refused(Refusal refusal) => new([], null, false, refusal);
}

/// <summary>
/// What a decision reads besides the citizen: the published policy, the period length, the instant, the dividend index
/// and the per-period bounds on records (rule 13).
/// </summary>
public sealed record DecisionContext(PolicyBook Policies, PeriodLength Length, DateTimeOffset Now, DividendIndex Dividends,
    CitizenRecordLimits? Limits = null, PayoutAccountOptions? Accounts = null)
{
    private static readonly CitizenRecordLimits DefaultLimits = new();
    private static readonly PayoutAccountOptions DefaultAccounts = new();

    public PayoutAccountOptions AccountRules => Accounts ?? DefaultAccounts;

    public Period Current => Period.Containing(Now, Length);

    public CitizenRecordLimits RecordLimits => Limits ?? DefaultLimits;
}
