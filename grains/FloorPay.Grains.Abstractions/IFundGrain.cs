namespace FloorPay.Grains;

/// <summary>A public fund (key: fund id; the floor is paid from "national"). Never on the payout path.</summary>
[Alias("floorpay.IFundGrain")]
public interface IFundGrain : IGrainWithStringKey
{
    public const string National = "national";

    [Alias("RecordInflow")]
    Task<Outcome<InflowReceipt>> RecordInflow(InflowCommand command);

    /// <summary>
    /// Declares a dividend for the citizens enrolled before the next whole second. The share is fixed once the
    /// enrollments before that cutoff have all committed or failed (a grace later): until then the receipt is not final,
    /// and resending the same command returns it, final once due.
    /// </summary>
    [Alias("DeclareDividend")]
    Task<Outcome<DividendReceipt>> DeclareDividend(DeclareDividendCommand command);

    /// <summary>
    /// Approves a proposed dividend (one above <c>FloorPay:Dividends:ApprovalThreshold</c>) by a participant other than its
    /// proposer, before it expires: it is then declared as <see cref="DeclareDividend"/> would, and resent, returns it.
    /// </summary>
    [Alias("ApproveDividend")]
    Task<Outcome<DividendReceipt>> ApproveDividend(ApproveDividendCommand command);

    [Alias("GetSummary"), ReadOnly]
    Task<FundSummary> GetSummary();

    /// <summary>The declarations, for the per-silo dividend index cache.</summary>
    [Alias("GetDividendIndex"), ReadOnly]
    Task<IReadOnlyList<DividendPoint>> GetDividendIndex();
}
