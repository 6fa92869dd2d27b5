namespace FloorPay.Silo.Storage;

/// <summary>The text each domain enumeration is stored as, both ways; an unknown stored name is corrupt data, never a default.</summary>
internal static class StoredNames
{
    public static string Of(PayoutKind kind) => kind switch
    {
        PayoutKind.Floor => "floor",
        PayoutKind.Dividend => "dividend",
        PayoutKind.Correction => "correction",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static PayoutKind PayoutKindOf(string kind) => kind switch
    {
        "floor" => PayoutKind.Floor,
        "dividend" => PayoutKind.Dividend,
        "correction" => PayoutKind.Correction,
        _ => throw new InvalidDataException($"unknown payout kind '{kind}' in the ledger"),
    };

    public static string Of(InstructionKind kind) => kind switch
    {
        InstructionKind.Floor => "floor",
        InstructionKind.Dividend => "dividend",
        InstructionKind.Correction => "correction",
        InstructionKind.Notice => "notice",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static InstructionKind InstructionKindOf(string kind) => kind switch
    {
        "floor" => InstructionKind.Floor,
        "dividend" => InstructionKind.Dividend,
        "correction" => InstructionKind.Correction,
        "notice" => InstructionKind.Notice,
        _ => throw new InvalidDataException($"unknown instruction kind '{kind}' in the ledger"),
    };

    public static string Of(InstructionOutcome outcome) => outcome switch
    {
        InstructionOutcome.Settled => "settled",
        InstructionOutcome.Returned => "returned",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static InstructionOutcome InstructionOutcomeOf(string outcome) => outcome switch
    {
        "settled" => InstructionOutcome.Settled,
        "returned" => InstructionOutcome.Returned,
        _ => throw new InvalidDataException($"unknown instruction outcome '{outcome}' in the ledger"),
    };

    public static string Of(AppealOutcome outcome) => outcome switch
    {
        AppealOutcome.Upheld => "upheld",
        AppealOutcome.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static AppealOutcome AppealOutcomeOf(string outcome) => outcome switch
    {
        "upheld" => AppealOutcome.Upheld,
        "rejected" => AppealOutcome.Rejected,
        _ => throw new InvalidDataException($"unknown appeal outcome '{outcome}' in the ledger"),
    };
}
