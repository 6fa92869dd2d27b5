using Microsoft.Extensions.Options;

namespace FloorPay.Gateway.Tests;

/// <summary>Configuration is checked as the node starts: a bad value stops it with the section and the problem named.</summary>
public sealed class StartupConfigurationTests
{
    [Theory]
    [InlineData("FloorPay:Accounts:FraudFlagThreshold", "1", "FloorPay:Accounts: FraudFlagThreshold must be at least 2")]
    [InlineData("FloorPay:Payday:RatePerSecond", "0", "FloorPay:Payday: RatePerSecond and PageSize must be at least 1")]
    [InlineData("FloorPay:CitizenLimits:AppealsPerPeriod", "0", "FloorPay:CitizenLimits: every per-period limit must be at least 1")]
    [InlineData("FloorPay:Metrics:OutstandingRefresh", "00:00:00", "FloorPay:Metrics: OutstandingRefresh must be positive")]
    [InlineData("FloorPay:Dividends:EligibilityGrace", "-00:00:01", "FloorPay:Dividends: EligibilityGrace cannot be negative")]
    [InlineData("FloorPay:Tracing:SampleRatio", "1.5", "FloorPay:Tracing: SampleRatio must be between 0 and 1")]
    [InlineData("FloorPay:Tracing:OtlpEndpoint", "collector:4317", "FloorPay:Tracing: OtlpEndpoint must be an absolute http or https address")]
    [InlineData("FloorPay:Tracing:OtlpProtocol", "udp", "FloorPay:Tracing: OtlpProtocol must be grpc or http/protobuf")]
    [InlineData("FloorPay:Audit:Lookback", "00:00:00", "FloorPay:Audit: Lookback must be positive")]
    [InlineData("FloorPay:Audit:SigningKeyFile", "/nonexistent/key.pem", "FloorPay:Audit: SigningKeyFile '/nonexistent/key.pem' does not exist")]
    public async Task A_node_with_an_unusable_setting_refuses_to_start_and_says_which(string key, string value, string expected)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value })));
        Assert.Contains(expected, e.Message);
    }
}
