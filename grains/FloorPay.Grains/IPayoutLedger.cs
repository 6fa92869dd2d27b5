namespace FloorPay.Grains;

public enum PostingResult
{
    /// <summary>Durably committed.</summary>
    Committed,

    /// <summary>
    /// Refused by a unique key: this citizen already has a payout of this kind for this slot, an enrollment, or a
    /// payout under this idempotency key. Nothing was written; re-read the citizen's postings to see what exists.
    /// </summary>
    Conflict,
}

/// <summary>The append-only payout ledger (double-entry journal plus the payouts it posts).</summary>
public interface IPayoutLedger
{
    /// <summary>Commits the payout and its balanced journal legs, or nothing. Throws <see cref="LedgerUnavailableException"/>.</summary>
    Task<PostingResult> PostAsync(PayoutPosting posting);

    /// <summary>Every payout of one citizen, oldest first.</summary>
    Task<IReadOnlyList<PayoutPosting>> ReadCitizenAsync(string citizenId, CancellationToken cancellation = default);
}
