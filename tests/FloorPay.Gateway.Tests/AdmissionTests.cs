using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;

namespace FloorPay.Gateway.Tests;

/// <summary>Rule 12: overload becomes RESOURCE_EXHAUSTED with a retry-after hint, at once, and changes nothing.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private readonly RequestArrivals _arrivals = new();
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["FloorPay:Admission:MaxInFlightPerParticipant"] = "2",
                ["FloorPay:Admission:RetryAfterMilliseconds"] = "300",
            });
            b.Services.AddSingleton<IStartupFilter>(_arrivals);
        });

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
    public async Task Writes_whose_message_is_held_back_take_no_slot_from_the_callers_own_writes()
    {
        // A slow or hostile client sends a call's headers and holds back its message: if that took a slot, bank-a's two
        // held calls would refuse all of its own writes (and, at the global bound, everyone's) until Kestrel gave up.
        using var wire = WireClients.Grpc(_server);
        using var stall = new CancellationTokenSource();
        var heldIds = new[] { Ids.Citizen(), Ids.Citizen() };
        var held = heldIds.Select(id =>
        {
            var message = Google.Protobuf.MessageExtensions.ToByteArray(Requests.Enroll(id));
            var request = WireClients.GrpcRequest("/floorpay.v1.Citizens/Enroll",
                new StalledBody([.. WireClients.FrameHeader(message.Length), .. message[..10]], null), ApiKeys.BankA);
            return wire.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stall.Token);
        }).ToList();
        await _arrivals.Until("/floorpay.v1.Citizens/Enroll", 2);

        // A client's retries of a refusal, for at most about a second: a held call would hold its slot far longer.
        var request = Requests.Enroll(Ids.Citizen());
        EnrollResponse? enrolled = null;
        for (var attempt = 0; enrolled is null && attempt < 10; attempt++)
        {
            try { enrolled = await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(request); }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted) { await Task.Delay(100); }
        }
        Assert.NotNull(enrolled);
        Assert.Equal(request.CitizenId, enrolled.CitizenId);

        await stall.CancelAsync();
        foreach (var call in held) await Assert.ThrowsAnyAsync<Exception>(() => call);
        foreach (var id in heldIds)
            await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = id }));
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

    /// <summary>Counts requests by path as they reach the server, before any of FloorPay's own middleware.</summary>
    private sealed class RequestArrivals : IStartupFilter
    {
        private readonly ConcurrentDictionary<string, int> _arrived = new();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, rest) =>
            {
                _arrived.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
                await rest(context);
            });
            next(app);
        };

        public async Task Until(string path, int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (_arrived.GetValueOrDefault(path) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"gave up waiting for {count} requests to {path}");
                await Task.Delay(10);
            }
        }
    }
}
