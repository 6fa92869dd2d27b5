namespace FloorPay.Gateway.Auth;

/// <summary>One entry of "FloorPay:Participants".</summary>
public sealed class ParticipantConfig
{
    public string Id { get; set; } = "";

    /// <summary>bank | contribution-platform | treasury | reviewer | auditor.</summary>
    public string Role { get; set; } = "";

    /// <summary>For banks: the bank id of the payout accounts it holds.</summary>
    public string? BankId { get; set; }

    /// <summary>Hex SHA-256 of the API key. The only accepted form outside Development.</summary>
    public string? ApiKeySha256 { get; set; }

    /// <summary>This participant's mutating calls per second (token bucket); unset: FloorPay:Admission:DefaultWritesPerSecond.</summary>
    public double? WritesPerSecond { get; set; }

    /// <summary>This participant's read calls per second, limited apart from writes; unset: the admission default.</summary>
    public double? ReadsPerSecond { get; set; }

    /// <summary>The API key in clear: accepted in Development only.</summary>
    public string? ApiKey { get; set; }
}
