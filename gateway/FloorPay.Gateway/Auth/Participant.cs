namespace FloorPay.Gateway.Auth;

/// <summary>An authenticated caller. Banks carry the bank id whose account holders they act for.</summary>
/// <param name="WritesPerSecond">Its own write rate limit, if configured.</param>
/// <param name="ReadsPerSecond">Its own read rate limit, if configured.</param>
public sealed record Participant(string Id, ParticipantRole Role, string? BankId, double? WritesPerSecond = null, double? ReadsPerSecond = null);
