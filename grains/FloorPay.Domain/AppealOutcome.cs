namespace FloorPay.Domain;

public enum AppealOutcome
{
    Upheld = 1,
    Rejected = 2,
}
