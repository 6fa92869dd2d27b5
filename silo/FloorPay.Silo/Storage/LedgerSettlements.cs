namespace FloorPay.Silo.Storage;

/// <summary>Settlements as ledger entries: one outcome per instruction, so a settlement racing a return loses cleanly.</summary>
public sealed class LedgerSettlements(IPayoutLedger ledger, TimeProvider time) : ISettlements
{
    public async Task<IReadOnlyList<string>> SettleAsync(IReadOnlyList<PayoutInstruction> instructions, CancellationToken cancellation = default)
    {
        var now = time.GetUtcNow();
        var results = await Task.WhenAll(instructions.Select(async i =>
            (i.InstructionId, Result: await ledger.AppendAsync([new InstructionOutcomeEntry(
                new InstructionOutcomeRecord(i.InstructionId, i.BankId, i.CitizenId, InstructionOutcome.Settled, "settled", i.Amount, now))]))));
        return results.Where(r => r.Result == PostingResult.Committed).Select(r => r.InstructionId).ToList();
    }
}
