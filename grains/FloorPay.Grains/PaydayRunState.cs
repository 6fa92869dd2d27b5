namespace FloorPay.Grains;

/// <summary>A run's checkpoint: one small record per slice, never a list of citizens.</summary>
[GenerateSerializer, Alias("floorpay.PaydayRunState")]
public sealed class PaydayRunState
{
    [Id(0)] public bool Started { get; set; }
    [Id(1)] public DateTimeOffset? StartedAt { get; set; }
    [Id(2)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(3)] public List<PaydaySlice> Slices { get; set; } = [];
    [Id(4)] public int NextSlice { get; set; }
}

/// <summary>One region × hash bucket: the last citizen paid (the cursor) and what the run did there.</summary>
[GenerateSerializer, Alias("floorpay.PaydaySlice")]
public sealed class PaydaySlice
{
    [Id(0)] public string RegionId { get; set; } = "";
    [Id(1)] public int Bucket { get; set; }
    [Id(2)] public string AfterCitizenId { get; set; } = "";
    [Id(3)] public bool Done { get; set; }
    [Id(4)] public long Paid { get; set; }
    [Id(5)] public long AlreadyPaid { get; set; }
    [Id(6)] public long Amount { get; set; }
}
