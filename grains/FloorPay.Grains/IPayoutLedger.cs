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
    /// <summary>
    /// Commits all of the entries (a payout with its journal legs and instruction, an account change with its notice,
    /// a correction with its resolution, each with its idempotency key) in one transaction, or none of them:
    /// <see cref="PostingResult.Conflict"/> if any one conflicts with a unique key. Throws <see cref="LedgerUnavailableException"/>.
    /// </summary>
    Task<PostingResult> AppendAsync(IReadOnlyList<JournalEntry> entries);

    /// <summary>The citizen whose record used this idempotency key of this scope (a bank's or participant's id), if any.</summary>
    Task<string?> CitizenHoldingKeyAsync(string scope, string key);

    /// <summary>Everything recorded about one citizen.</summary>
    Task<CitizenHistory> ReadHistoryAsync(string citizenId, CancellationToken cancellation = default);
}
