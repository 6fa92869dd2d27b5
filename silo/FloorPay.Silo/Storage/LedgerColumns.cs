namespace FloorPay.Silo.Storage;

/// <summary>How a <see cref="PayoutPosting"/> maps to a floorpay_payouts row, for both dialects.</summary>
internal static class LedgerColumns
{
    public const string Insert =
        "payout_id, citizen_id, kind, slot, period, amount, currency, reason_code, region_id, bank_id, account_token, " +
        "idempotency_key, fingerprint, enrollment, paid_at_ticks, bucket";

    public const string Select = Insert;

    public static int Bucket(PayoutPosting p) => FloorPay.Domain.CitizenBuckets.Of(p.CitizenId);

    public static string Kind(PayoutKind kind) => kind switch
    {
        PayoutKind.Floor => "floor",
        PayoutKind.Dividend => "dividend",
        PayoutKind.Correction => "correction",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static PayoutKind Kind(string kind) => kind switch
    {
        "floor" => PayoutKind.Floor,
        "dividend" => PayoutKind.Dividend,
        "correction" => PayoutKind.Correction,
        _ => throw new InvalidDataException($"unknown payout kind '{kind}' in the ledger"),
    };

    /// <summary>Reads a row selected with <see cref="Select"/>, by column name.</summary>
    public static PayoutPosting Read(DbDataReader r) => new(
        PayoutId: r.Text("payout_id"),
        CitizenId: r.Text("citizen_id"),
        Kind: Kind(r.Text("kind")),
        Slot: r.Text("slot"),
        Period: r.Text("period"),
        Amount: r.Long("amount"),
        Currency: r.Text("currency"),
        ReasonCode: r.Text("reason_code"),
        RegionId: r.Text("region_id"),
        BankId: r.Text("bank_id"),
        AccountToken: r.Text("account_token"),
        IdempotencyKey: r.Text("idempotency_key"),
        Fingerprint: r.Text("fingerprint"),
        Enrollment: r.Flag("enrollment"),
        PaidAt: r.Instant("paid_at_ticks"));

    /// <summary>The two legs of a payout: the fund pays, the citizen's payable account receives. They sum to zero.</summary>
    public static (string Account, long Amount)[] Legs(string fundId, PayoutPosting p) =>
        [($"fund:{fundId}", -p.Amount), ($"payable:{p.CitizenId}", p.Amount)];
}
