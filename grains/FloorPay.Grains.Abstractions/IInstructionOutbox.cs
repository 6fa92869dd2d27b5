namespace FloorPay.Grains;

/// <summary>
/// The durable outbox of payout instructions, per bank. Instructions are written by the ledger in the same transaction
/// as their payouts; this reads them, waits for new ones, and records settlements.
/// </summary>
public interface IInstructionOutbox
{
    /// <summary>A bank's instructions with sequence greater than <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<PayoutInstruction>> ListAsync(string bankId, long afterSequence, int limit, CancellationToken cancellation = default);

    /// <summary>
    /// Completes when this silo next commits instructions for the bank. Take it before listing, then await it when the
    /// list came back empty; commits on other silos are not signalled here, so also poll.
    /// </summary>
    Task NextCommit(string bankId);

    /// <summary>
    /// Every bank's latest instruction sequence, as committed by any silo: one small row per bank, so that one query a
    /// tick tells a silo which banks' streams have something new.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> LatestSequencesAsync(CancellationToken cancellation = default);

    /// <summary>The instructions among <paramref name="instructionIds"/> that exist, each with its outcome if any.</summary>
    Task<IReadOnlyDictionary<string, (PayoutInstruction Instruction, InstructionOutcomeRecord? Outcome)>> FindAsync(
        IReadOnlyCollection<string> instructionIds, CancellationToken cancellation = default);

    /// <summary>Records these instructions as settled (the caller checked they are the bank's and not returned); returns the ids newly settled.</summary>
    Task<IReadOnlyList<string>> SettleAsync(IReadOnlyList<PayoutInstruction> instructions, CancellationToken cancellation = default);

    /// <summary>Per bank and UTC day: issued, settled, returned, and outstanding at the day's end.</summary>
    Task<SettlementDay> ReportAsync(string bankId, DateOnly day, CancellationToken cancellation = default);

    /// <summary>Per bank, the instructions with money that the bank has neither settled nor returned yet (a bank with none reads 0 or is absent).</summary>
    Task<IReadOnlyDictionary<string, Tally>> OutstandingByBankAsync(CancellationToken cancellation = default);

    /// <summary>
    /// The one rule for re-issuing a returned payment, used by the citizen grain and by the sweep alike: not re-issued
    /// yet, and either an account change asked for at or after the return is in effect, or the account in effect (the
    /// latest change in effect, else the enrollment account) differs from the returned payment's. In citizen order,
    /// after <paramref name="afterCitizenId"/> (a cursor), or for one citizen only.
    /// </summary>
    Task<IReadOnlyList<DueReissue>> ReissuesDueAsync(DateTimeOffset now, string afterCitizenId, int limit, string? citizenId = null,
        CancellationToken cancellation = default);

    /// <summary>
    /// The fraud flag on this account, if one was raised: by the record (enrollment or account change) that put the
    /// account's Nth distinct citizen on it, in that record's transaction.
    /// </summary>
    Task<FraudFlag?> FindFraudFlagAsync(string bankId, string accountToken, CancellationToken cancellation = default);

    Task<IReadOnlyList<FraudFlag>> ListFraudFlagsAsync(int limit, CancellationToken cancellation = default);
}

public readonly record struct Tally(long Count, long Amount);

/// <summary>One bank's day, for reconciliation against its statement. Notices carry no money and are not counted.</summary>
public sealed record SettlementDay(string BankId, DateOnly Day, Tally Issued, Tally Settled, Tally Returned, Tally Outstanding);

/// <summary>Many citizens pointing at one account: raised for a reviewer, never acted on automatically.</summary>
/// <summary>A returned payment that is due to be re-issued to its citizen's account in effect.</summary>
public sealed record DueReissue(string CitizenId, string ReturnedInstructionId);

public sealed record FraudFlag(string BankId, string AccountToken, int CitizenCount, string RaisedByChange, DateTimeOffset RaisedAt);
