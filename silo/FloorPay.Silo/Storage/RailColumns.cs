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

    /// <param name="prefix">What a join prefixed the columns with (e.g. "o_"); none for a plain select.</param>
    public static PayoutInstruction ReadInstruction(DbDataReader r, string prefix = "") => new(
        r.Text(prefix + "instruction_id"), r.Text(prefix + "bank_id"), r.Long(prefix + "sequence"), Kind(r.Text(prefix + "kind")),
        r.TextOrNull(prefix + "payout_id"), r.Text(prefix + "citizen_id"), r.Text(prefix + "account_token"), r.Long(prefix + "amount"),
        r.Text(prefix + "currency"), r.Text(prefix + "period"), r.Text(prefix + "reason_code"), r.TextOrNull(prefix + "reissue_of"),
        r.Instant(prefix + "issued_at_ticks"));

    /// <param name="prefix">What a join prefixed the columns with (e.g. "o_"); none for a plain select.</param>
    public static InstructionOutcomeRecord ReadOutcome(DbDataReader r, string prefix = "") => new(
        r.Text(prefix + "instruction_id"), r.Text(prefix + "bank_id"), r.Text(prefix + "citizen_id"),
        r.Text(prefix + "outcome") == "settled" ? InstructionOutcome.Settled : InstructionOutcome.Returned, r.Text(prefix + "reason"),
        r.Long(prefix + "amount"), r.Instant(prefix + "recorded_at_ticks"));

    public static AccountChangeEntry ReadAccountChange(DbDataReader r) => new(
        r.Text("change_id"), r.Text("citizen_id"), r.Text("bank_id"), r.Text("account_token"), r.Text("previous_bank_id"),
        r.Text("previous_account_token"), r.Text("requested_by"), r.Instant("requested_at_ticks"), r.Instant("effective_at_ticks"),
        r.Text("idempotency_key"), r.Text("fingerprint"));

    public static FraudFlag ReadFraudFlag(DbDataReader r) => new(r.Text("bank_id"), r.Text("account_token"), r.Int("citizen_count"),
        r.Text("raised_by_change"), r.Instant("raised_at_ticks"));

    public const string Release =
        "release_id, citizen_id, from_bank_id, to_bank_id, released_at_ticks, expires_at_ticks, idempotency_key, fingerprint";

    public static AccountReleaseEntry ReadRelease(DbDataReader r) => new(
        r.Text("release_id"), r.Text("citizen_id"), r.Text("from_bank_id"), r.Text("to_bank_id"), r.Instant("released_at_ticks"),
        r.Instant("expires_at_ticks"), r.Text("idempotency_key"), r.Text("fingerprint"));
}
