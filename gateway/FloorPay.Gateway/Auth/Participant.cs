namespace FloorPay.Gateway.Auth;

/// <summary>An authenticated caller. Banks carry the bank id whose account holders they act for.</summary>
public sealed record Participant(string Id, ParticipantRole Role, string? BankId);
