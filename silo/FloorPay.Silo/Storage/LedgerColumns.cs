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

    /// <summary>Reads a row selected with <see cref="Select"/>, in that column order.</summary>
    public static PayoutPosting Read(DbDataReader r) => new(
        PayoutId: r.GetString(0),
        CitizenId: r.GetString(1),
        Kind: Kind(r.GetString(2)),
        Slot: r.GetString(3),
        Period: r.GetString(4),
        Amount: r.GetInt64(5),
        Currency: r.GetString(6),
        ReasonCode: r.GetString(7),
        RegionId: r.GetString(8),
        BankId: r.GetString(9),
        AccountToken: r.GetString(10),
        IdempotencyKey: r.GetString(11),
        Fingerprint: r.GetString(12),
        Enrollment: Convert.ToBoolean(r.GetValue(13)),
        PaidAt: new DateTimeOffset(r.GetInt64(14), TimeSpan.Zero));

    /// <summary>The two legs of a payout: the fund pays, the citizen's payable account receives. They sum to zero.</summary>
    public static (string Account, long Amount)[] Legs(string fundId, PayoutPosting p) =>
        [($"fund:{fundId}", -p.Amount), ($"payable:{p.CitizenId}", p.Amount)];
}
