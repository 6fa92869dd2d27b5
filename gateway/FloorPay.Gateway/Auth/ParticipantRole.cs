namespace FloorPay.Gateway.Auth;

public enum ParticipantRole
{
    Bank,
    ContributionPlatform,
    Treasury,
    Reviewer,
    Auditor,
}
