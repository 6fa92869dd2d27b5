namespace FloorPay.Domain;

public enum InstructionKind
{
    Floor = 1,
    Dividend = 2,
    Correction = 3,

    /// <summary>No money: tells a bank that a citizen's payouts are moving to another account (the fraud path).</summary>
    Notice = 4,
}
