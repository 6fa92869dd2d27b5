namespace FloorPay.Grains;

public enum PayoutKind
{
    Floor = 1,
    Dividend = 2,
}
