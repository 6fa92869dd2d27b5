using System.Diagnostics.Metrics;

namespace FloorPay.Grains;

/// <summary>The grains' instruments (meter "FloorPay"), exported by whatever metrics pipeline the host configures.</summary>
public static class FloorPayMeters
{
    public static readonly Meter Meter = new("FloorPay");

    public static readonly Counter<long> PaydayCitizensPaid =
        Meter.CreateCounter<long>("floorpay.payday.citizens_paid", description: "Citizens paid by payday runs");

    public static readonly Counter<long> PaydayCitizensAlreadyPaid =
        Meter.CreateCounter<long>("floorpay.payday.citizens_already_paid", description: "Citizens a payday run found already paid for the period");

    public static readonly Counter<long> PaydaySlicesDone =
        Meter.CreateCounter<long>("floorpay.payday.slices_done", description: "Payday run slices completed");
}
