namespace FloorPay.Grains;

/// <summary>A public fund (key: fund id; the floor is paid from "national"). Never on the payout path.</summary>
[Alias("floorpay.IFundGrain")]
public interface IFundGrain : IGrainWithStringKey
{
    public const string National = "national";

    [Alias("RecordInflow")]
    Task<Outcome<InflowReceipt>> RecordInflow(InflowCommand command);

    [Alias("DeclareDividend")]
    Task<Outcome<DividendReceipt>> DeclareDividend(DeclareDividendCommand command);

    [Alias("Apply")]
    Task Apply(AggregateDelta delta);

    [Alias("GetSummary"), ReadOnly]
    Task<FundSummary> GetSummary();

    /// <summary>The declarations, for the per-silo dividend index cache.</summary>
    [Alias("GetDividendIndex"), ReadOnly]
    Task<IReadOnlyList<DividendPoint>> GetDividendIndex();
}
