namespace FloorPay.Silo.Storage;

/// <summary>How instructions, their outcomes and account changes map to rows, for both dialects.</summary>
internal static class RailColumns
{
    public const string Instruction =
        "instruction_id, bank_id, sequence, kind, payout_id, citizen_id, account_token, amount, currency, period, reason_code, reissue_of, issued_at_ticks";

    public const string Outcomes = "instruction_id, bank_id, citizen_id, outcome, reason, amount, recorded_at_ticks";

    public const string AccountChange =
        "change_id, citizen_id, bank_id, account_token, previous_bank_id, previous_account_token, requested_by, requested_at_ticks, " +
        "effective_at_ticks, idempotency_key, fingerprint";

    public const string FraudFlag = "bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks";

    public static string Kind(InstructionKind kind) => kind switch
    {
        InstructionKind.Floor => "floor",
        InstructionKind.Dividend => "dividend",
        InstructionKind.Correction => "correction",
        InstructionKind.Notice => "notice",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static InstructionKind Kind(string kind) => kind switch
    {
        "floor" => InstructionKind.Floor,
        "dividend" => InstructionKind.Dividend,
        "correction" => InstructionKind.Correction,
        "notice" => InstructionKind.Notice,
        _ => throw new InvalidDataException($"unknown instruction kind '{kind}'"),
    };

    public static string Outcome(InstructionOutcome outcome) => outcome == InstructionOutcome.Settled ? "settled" : "returned";

    private static DateTimeOffset Instant(DbDataReader r, int i) => new(r.GetInt64(i), TimeSpan.Zero);

    private static string? Nullable(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static PayoutInstruction ReadInstruction(DbDataReader r, int o = 0) => new(
        r.GetString(o), r.GetString(o + 1), r.GetInt64(o + 2), Kind(r.GetString(o + 3)), Nullable(r, o + 4), r.GetString(o + 5), r.GetString(o + 6),
        r.GetInt64(o + 7), r.GetString(o + 8), r.GetString(o + 9), r.GetString(o + 10), Nullable(r, o + 11), Instant(r, o + 12));

    public static InstructionOutcomeRecord ReadOutcome(DbDataReader r, int o = 0) => new(
        r.GetString(o), r.GetString(o + 1), r.GetString(o + 2), r.GetString(o + 3) == "settled" ? InstructionOutcome.Settled : InstructionOutcome.Returned,
        r.GetString(o + 4), r.GetInt64(o + 5), Instant(r, o + 6));

    public static AccountChangeEntry ReadAccountChange(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), Instant(r, 7), Instant(r, 8),
        r.GetString(9), r.GetString(10));

    public static FraudFlag ReadFraudFlag(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), Instant(r, 4));

    public const string Release =
        "release_id, citizen_id, from_bank_id, to_bank_id, released_at_ticks, expires_at_ticks, idempotency_key, fingerprint";

    public static AccountReleaseEntry ReadRelease(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero),
        new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero), r.GetString(6), r.GetString(7));
}
