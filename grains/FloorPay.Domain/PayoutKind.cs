namespace FloorPay.Domain;

public enum PayoutKind
{
    Floor = 1,
    Dividend = 2,

    /// <summary>A corrective payment ordered by an upheld appeal (rule 9).</summary>
    Correction = 3,
}
