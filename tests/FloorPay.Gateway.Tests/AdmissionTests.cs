using System.Net;
using System.Net.Http.Json;

namespace FloorPay.Gateway.Tests;

/// <summary>Rule 12: overload becomes RESOURCE_EXHAUSTED with a retry-after hint, at once, and changes nothing.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Admission:MaxInFlightPerParticipant"] = "2",
            ["FloorPay:Admission:RetryAfterMilliseconds"] = "300",
        }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Calls_over_a_participants_bound_are_refused_with_a_retry_after_hint_and_change_nothing()
    {
        var requests = Enumerable.Range(0, 80).Select(_ => Requests.Enroll(Ids.Citizen())).ToList();
        var bank = _server.As(ApiKeys.BankA).Citizens;
        var outcomes = await Task.WhenAll(requests.Select(async r =>
        {
            var call = bank.EnrollAsync(r);
            try
            {
                await call.ResponseAsync;
                return (r.CitizenId, Status: StatusCode.OK, Retry: (string?)null);
            }
            catch (RpcException e)
            {
                return (r.CitizenId, Status: e.StatusCode, Retry: e.Trailers.GetValue("grpc-retry-pushback-ms"));
            }
        }));

        var refused = outcomes.Where(o => o.Status != StatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains(outcomes, o => o.Status == StatusCode.OK);
        Assert.All(refused, o => Assert.Equal((StatusCode.ResourceExhausted, "300"), (o.Status, o.Retry)));
        foreach (var o in refused.Take(10))
            await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = o.CitizenId }));

        // Another participant is not held back by bank-a's bound.
        Assert.NotNull(await _server.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest()));
    }

    [Fact]
    public async Task Json_calls_over_the_bound_are_refused_too_with_http_429_and_change_nothing()
    {
        var ids = Enumerable.Range(0, 60).Select(_ => Ids.Citizen()).ToList();
        var outcomes = await Task.WhenAll(ids.Select(async id =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/citizens:enroll");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKeys.BankA);
            request.Content = JsonContent.Create(new
            {
                idempotencyKey = Ids.Key("json"), citizenId = id, regionId = "R-NORTH", payoutAccount = new { bankId = "bank-a", accountToken = "tok" },
            });
            using var response = await _server.Http.SendAsync(request);
            return (Id: id, response.StatusCode);
        }));

        var refused = outcomes.Where(o => o.StatusCode != HttpStatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, o => Assert.Equal(HttpStatusCode.TooManyRequests, o.StatusCode));
        foreach (var o in refused.Take(10))
            await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = o.Id }));
    }
}
