namespace FloorPay.Grains;

public enum PostingResult
{
    /// <summary>Durably committed.</summary>
    Committed,

    /// <summary>
    /// Refused by a unique key: this citizen already has a payout of this kind for this slot, an enrollment, a record
    /// with this id, or one under this idempotency key. Nothing was written; re-read the citizen to see what exists.
    /// </summary>
    Conflict,
}

/// <summary>
/// The append-only record of citizens: the payout ledger (payouts and their double-entry journal legs) and the civic
/// records (contributions, exemptions). Writes are group-committed; nothing is ever updated or deleted.
/// </summary>
public interface IPayoutLedger
{
    /// <summary>Commits the payout and its balanced journal legs, or nothing. Throws <see cref="LedgerUnavailableException"/>.</summary>
    Task<PostingResult> PostAsync(PayoutPosting posting);

    /// <summary>Commits a contribution record, or nothing. Throws <see cref="LedgerUnavailableException"/>.</summary>
    Task<PostingResult> RecordAsync(ContributionEntry contribution);

    /// <summary>Commits an exemption record, or nothing. Throws <see cref="LedgerUnavailableException"/>.</summary>
    Task<PostingResult> RecordAsync(ExemptionEntry exemption);

    /// <summary>Commits an appeal record, or nothing.</summary>
    Task<PostingResult> RecordAsync(AppealEntry appeal);

    /// <summary>Commits an appeal's resolution, or nothing (one resolution per appeal).</summary>
    Task<PostingResult> RecordAsync(AppealResolutionEntry resolution);

    /// <summary>Commits an explicit instruction (re-issue or notice), numbered in its bank's sequence, or nothing.</summary>
    Task<PostingResult> RecordAsync(InstructionEntry instruction);

    /// <summary>Commits a bank's settlement or return of an instruction, or nothing (one outcome per instruction).</summary>
    Task<PostingResult> RecordAsync(InstructionOutcomeEntry outcome);

    /// <summary>Commits a payout account change, or nothing.</summary>
    Task<PostingResult> RecordAsync(AccountChangeEntry change);

    /// <summary>
    /// Commits all of the entries in one transaction, or none of them: <see cref="PostingResult.Conflict"/> if any one
    /// conflicts with a unique key (e.g. an account change with its notice, a correction with its resolution).
    /// </summary>
    Task<PostingResult> AppendAsync(IReadOnlyList<object> entries);

    /// <summary>The citizen whose record used this idempotency key of this scope (a bank's or participant's id), if any.</summary>
    Task<string?> CitizenHoldingKeyAsync(string scope, string key);

    /// <summary>Everything recorded about one citizen.</summary>
    Task<CitizenHistory> ReadHistoryAsync(string citizenId, CancellationToken cancellation = default);
}
