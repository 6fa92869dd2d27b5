namespace FloorPay.Grains;

/// <summary>Settlement commands from banks, recorded through the ledger (one outcome per instruction).</summary>
public interface ISettlements
{
    /// <summary>Records these instructions as settled (the caller checked they are the bank's and not returned); returns the ids newly settled.</summary>
    Task<IReadOnlyList<string>> SettleAsync(IReadOnlyList<PayoutInstruction> instructions, CancellationToken cancellation = default);
}
