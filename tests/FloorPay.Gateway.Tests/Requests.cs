using Google.Protobuf.WellKnownTypes;

namespace FloorPay.Gateway.Tests;

/// <summary>Valid requests with fresh keys; tests change the one field they are about.</summary>
public static class Requests
{
    public const string Currency = "EUR";
    public const string Fund = "national";

    public static EnrollRequest Enroll(string citizenId, string bankId = "bank-a", string region = "R-NORTH", string? key = null, string? token = null) => new()
    {
        IdempotencyKey = key ?? Ids.Key("enroll"),
        CitizenId = citizenId,
        RegionId = region,
        PayoutAccount = new PayoutAccount { BankId = bankId, AccountToken = token ?? Ids.Token() },
    };

    public static FloorPayoutRequest Floor(string citizenId, string period = "", string? key = null) =>
        new() { IdempotencyKey = key ?? Ids.Key("floor"), CitizenId = citizenId, Period = period };

    public static ClaimDividendsRequest Claim(string citizenId, string? key = null) =>
        new() { IdempotencyKey = key ?? Ids.Key("claim"), CitizenId = citizenId };

    public static RecordContributionRequest Contribution(string citizenId, string category = "care", int minutes = 90, string period = "", string? key = null) =>
        new() { IdempotencyKey = key ?? Ids.Key("contribution"), CitizenId = citizenId, Category = category, Minutes = minutes, Period = period };

    public static GrantExemptionRequest Exemption(string citizenId, string category = "childcare", string evidence = "evidence-001", DateTimeOffset? expiresAt = null, string? key = null) => new()
    {
        IdempotencyKey = key ?? Ids.Key("exemption"),
        CitizenId = citizenId,
        Category = category,
        EvidenceReference = evidence,
        ExpiresAt = Timestamp.FromDateTimeOffset(expiresAt ?? DateTimeOffset.UtcNow.AddDays(90)),
    };

    public static RecordInflowRequest Inflow(long minorUnits, string? key = null, string currency = Currency, string fund = Fund) => new()
    {
        IdempotencyKey = key ?? Ids.Key("inflow"),
        FundId = fund,
        Source = "ai-dividend-levy",
        Amount = Money(minorUnits, currency),
        Reference = $"ref-{Guid.NewGuid():N}",
    };

    public static DeclareDividendRequest Dividend(long minorUnits, string? key = null, string currency = Currency, string fund = Fund) =>
        new() { IdempotencyKey = key ?? Ids.Key("dividend"), FundId = fund, Total = Money(minorUnits, currency) };

    public static Money Money(long minorUnits, string currency = Currency) => new() { MinorUnits = minorUnits, Currency = currency };
}
