namespace FloorPay.Domain;

/// <summary>How long one floor period lasts. Weekly periods are ISO weeks (Monday to Sunday, UTC).</summary>
public enum PeriodLength
{
    Weekly = 1,
    Monthly = 2,
}
