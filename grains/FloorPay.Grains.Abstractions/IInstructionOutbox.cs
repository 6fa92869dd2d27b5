namespace FloorPay.Grains;

/// <summary>
/// The banks' read model: the durable outbox of payout instructions, per bank. Instructions are written by the ledger
/// in the same transaction as their payouts; this reads them and waits for new ones. Settlements are recorded through
/// <see cref="ISettlements"/>.
/// </summary>
public interface IInstructionOutbox
{
    /// <summary>A bank's instructions with sequence greater than <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<PayoutInstruction>> ListAsync(string bankId, long afterSequence, int limit, CancellationToken cancellation = default);

    /// <summary>
    /// Completes when this silo next commits instructions for the bank. Take it before listing, then await it when the
    /// list came back empty; commits on other silos are not signalled here but by <see cref="InstructionNotice"/>s.
    /// </summary>
    Task NextCommit(string bankId);

    /// <summary>The instructions among <paramref name="instructionIds"/> that exist, each with its outcome if any.</summary>
    Task<IReadOnlyDictionary<string, (PayoutInstruction Instruction, InstructionOutcomeRecord? Outcome)>> FindAsync(
        IReadOnlyCollection<string> instructionIds, CancellationToken cancellation = default);

    /// <summary>Per bank and UTC day: issued, settled, returned, and outstanding at the day's end.</summary>
    Task<SettlementDay> ReportAsync(string bankId, DateOnly day, CancellationToken cancellation = default);

    /// <summary>Per bank, the instructions with money that the bank has neither settled nor returned yet (a bank with none reads 0 or is absent).</summary>
    Task<IReadOnlyDictionary<string, Tally>> OutstandingByBankAsync(CancellationToken cancellation = default);

}

public readonly record struct Tally(long Count, long Amount);

/// <summary>One bank's day, for reconciliation against its statement. Notices carry no money and are not counted.</summary>
public sealed record SettlementDay(string BankId, DateOnly Day, Tally Issued, Tally Settled, Tally Returned, Tally Outstanding);
