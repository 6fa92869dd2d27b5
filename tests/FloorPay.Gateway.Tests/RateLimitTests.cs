namespace FloorPay.Gateway.Tests;

/// <summary>
/// Per-participant rate limits from configuration: calls over a participant's rate are refused at once with
/// RESOURCE_EXHAUSTED and a retry-after hint, change nothing, and do not hold back its reads (limited apart) or others.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const string LimitedKey = "dev-limited-bank";
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Participants:0:Id"] = "limited-bank",
            ["FloorPay:Participants:0:Role"] = "bank",
            ["FloorPay:Participants:0:BankId"] = "bank-l",
            ["FloorPay:Participants:0:ApiKey"] = LimitedKey,
            ["FloorPay:Participants:0:WritesPerSecond"] = "5",
            ["FloorPay:Participants:0:ReadsPerSecond"] = "1000",
            ["FloorPay:Participants:1:Id"] = "reviewer",
            ["FloorPay:Participants:1:Role"] = "reviewer",
            ["FloorPay:Participants:1:ApiKey"] = ApiKeys.Reviewer,
            ["FloorPay:Participants:2:Id"] = "auditor",
            ["FloorPay:Participants:2:Role"] = "auditor",
            ["FloorPay:Participants:2:ApiKey"] = ApiKeys.Auditor,
        }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Writes_over_a_participants_rate_are_refused_fast_with_a_hint_and_change_nothing()
    {
        var bank = _server.As(LimitedKey).Citizens;
        var outcomes = new List<(string CitizenId, StatusCode Status, string? Retry)>();
        for (var i = 0; i < 20; i++)
        {
            var request = Requests.Enroll(Ids.Citizen(), bankId: "bank-l");
            try
            {
                await bank.EnrollAsync(request);
                outcomes.Add((request.CitizenId, StatusCode.OK, null));
            }
            catch (RpcException e)
            {
                outcomes.Add((request.CitizenId, e.StatusCode, e.Trailers.GetValue("floorpay-retry-after-ms")));
            }
        }

        var served = outcomes.Count(o => o.Status == StatusCode.OK);
        var refused = outcomes.Where(o => o.Status != StatusCode.OK).ToList();
        Assert.InRange(served, 5, 10); // a burst of five, plus what refills while the calls run
        Assert.All(refused, o =>
        {
            Assert.Equal(StatusCode.ResourceExhausted, o.Status);
            Assert.True(int.TryParse(o.Retry, out var ms) && ms > 0 && ms <= 1000, $"retry-after hint {o.Retry}");
        });
        foreach (var o in refused.Take(5))
            await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = o.CitizenId }));

        // Reads are limited apart from writes, and other participants are not held back.
        var servedId = outcomes.First(o => o.Status == StatusCode.OK).CitizenId;
        Assert.NotNull(await bank.GetStatementAsync(new GetStatementRequest { CitizenId = servedId }));
        Assert.NotNull(await _server.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest()));

        // Refusals are counted by reason on /metrics (meters are process-wide: at least these).
        var metrics = await _server.Management.GetStringAsync("/metrics");
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith("floorpay_gateway_admission_refusals_total{", StringComparison.Ordinal) && l.Contains("reason=\"rate_limit\""));
        Assert.True(line is not null, string.Join("\n", metrics.Split('\n').Where(l => l.Contains("admission") || l.Contains("grpc_requests")).Take(20)));
        Assert.True(double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= refused.Count, line);

        // After the hint, the participant is served again.
        await Task.Delay(1_000);
        Assert.NotNull(await bank.EnrollAsync(Requests.Enroll(Ids.Citizen(), bankId: "bank-l")));
    }
}
