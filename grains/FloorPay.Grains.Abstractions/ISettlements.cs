namespace FloorPay.Grains;

/// <summary>Settlement commands from banks, recorded through the ledger (one outcome per instruction).</summary>
public interface ISettlements
{
    /// <summary>Appends these settlements (as <see cref="Settlements.Decide"/> decided them); returns the instruction ids newly settled.</summary>
    Task<IReadOnlyList<string>> SettleAsync(IReadOnlyList<InstructionOutcomeEntry> settlements, CancellationToken cancellation = default);
}
