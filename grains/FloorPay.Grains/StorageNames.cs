namespace FloorPay.Grains;

public static class StorageNames
{
    /// <summary>The grain storage provider that holds citizen, region and fund state.</summary>
    public const string State = "floorpay";
}
