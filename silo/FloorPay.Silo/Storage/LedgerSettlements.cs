namespace FloorPay.Silo.Storage;

/// <summary>Settlements as ledger entries: one outcome per instruction, so a settlement racing a return loses cleanly.</summary>
public sealed class LedgerSettlements(IPayoutLedger ledger) : ISettlements
{
    public async Task<IReadOnlyList<string>> SettleAsync(IReadOnlyList<InstructionOutcomeEntry> settlements, CancellationToken cancellation = default)
    {
        var results = await Task.WhenAll(settlements.Select(async s => (s.Record.InstructionId, Result: await ledger.AppendAsync([s]))));
        return results.Where(r => r.Result == PostingResult.Committed).Select(r => r.InstructionId).ToList();
    }
}
