using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// A resend of a write whose first attempt is still running waits for that attempt instead of running the work again,
/// also when the first attempt's caller has gone. Executions are counted below the gateway's interceptors, where each
/// enrollment is made to take a while (a slow commit), so that resends arrive while it runs.
/// </summary>
public sealed class ResendJoinTests : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(800);
    private readonly Executions _executions = new();
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b =>
        {
            b.Services.AddSingleton(_executions);
            // PostConfigure: after the gateway's own interceptors, so this one is innermost, next to the service.
            b.Services.PostConfigure<GrpcServiceOptions>(o => o.Interceptors.Add<SlowEnrollment>());
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Identical_resends_while_the_first_attempt_runs_get_its_answer_and_the_work_runs_once()
    {
        var request = Requests.Enroll(Ids.Citizen());
        var bank = _server.As(ApiKeys.BankA).Citizens;

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => EnrollAsync(bank, request)));

        Assert.Equal(1, _executions.Of(request.CitizenId));
        // One original answer; the joined resends get it as the API answers any repeated key: marked replayed.
        var original = Assert.Single(answers, a => !a.Replayed);
        Assert.All(answers.Where(a => a != original), a =>
        {
            Assert.True(a.Replayed && a.FirstPayout.Replayed);
            Assert.Equal(original.FirstPayout.PayoutId, a.FirstPayout.PayoutId);
            Assert.Equal(original.EnrolledAt, a.EnrolledAt);
        });
    }

    [Fact]
    public async Task An_attempt_whose_caller_gave_up_finishes_once_and_a_resend_joins_it()
    {
        var request = Requests.Enroll(Ids.Citizen());
        var bank = _server.As(ApiKeys.BankA).Citizens;

        await Expect.Status(StatusCode.DeadlineExceeded, () => bank.EnrollAsync(request, deadline: DateTime.UtcNow.AddMilliseconds(150)).ResponseAsync);
        var resent = await EnrollAsync(bank, request);
        Assert.Equal(1, _executions.Of(request.CitizenId));
        Assert.Equal(request.CitizenId, resent.CitizenId);

        // The joined resend got the attempt's answer as a replay; once the attempt is over, a resend runs again and the
        // grain's own replay is the same answer.
        Assert.True(resent.Replayed);
        var later = await EnrollAsync(bank, request);
        Assert.Equal(2, _executions.Of(request.CitizenId));
        Assert.Equal(resent, later);
    }

    [Fact]
    public async Task A_different_request_under_the_same_key_is_not_joined_and_is_refused_as_a_reused_key()
    {
        var citizen = Ids.Citizen();
        var key = Ids.Key("join");
        var bank = _server.As(ApiKeys.BankA).Citizens;
        async Task<(string Region, StatusCode Status, string Detail)> Attempt(string region)
        {
            try { return (region, StatusCode.OK, (await EnrollAsync(bank, Requests.Enroll(citizen, key: key, region: region))).RegionId); }
            catch (RpcException e) { return (region, e.StatusCode, e.Status.Detail); }
        }

        // Both run (neither joins the other); whichever reaches the citizen first is enrolled, the other is refused.
        var outcomes = await Task.WhenAll(Attempt("R-NORTH"), Attempt("R-SOUTH"));
        Assert.Equal(2, _executions.Of(citizen));
        var enrolled = Assert.Single(outcomes, o => o.Status == StatusCode.OK);
        Assert.Equal(enrolled.Region, enrolled.Detail);
        var refused = Assert.Single(outcomes, o => o.Status != StatusCode.OK);
        Assert.Equal(StatusCode.AlreadyExists, refused.Status);
        Assert.Contains("different request", refused.Detail);
    }

    [Fact]
    public async Task The_same_request_from_another_participant_is_not_joined()
    {
        var request = Requests.Enroll(Ids.Citizen(), bankId: "bank-b");
        var mine = EnrollAsync(_server.As(ApiKeys.BankB).Citizens, request);
        await Task.Delay(100);

        // bank-a may not enroll to bank-b's account: it gets its own refusal, not bank-b's answer.
        await Expect.Status(StatusCode.PermissionDenied, () => _server.As(ApiKeys.BankA).Citizens.EnrollAsync(request).ResponseAsync);
        Assert.Equal(request.CitizenId, (await mine).CitizenId);
    }

    /// <summary>Retries RESOURCE_EXHAUSTED and UNAVAILABLE with the same request, as a client does.</summary>
    private static async Task<EnrollResponse> EnrollAsync(Citizens.CitizensClient bank, EnrollRequest request)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await bank.EnrollAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable && attempt < 20)
            {
                await Task.Delay(200);
            }
        }
    }

    public sealed class Executions
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _byCitizen = new();

        public void Add(string citizen) => _byCitizen.AddOrUpdate(citizen, 1, (_, n) => n + 1);

        public int Of(string citizen) => _byCitizen.GetValueOrDefault(citizen);
    }

    /// <summary>Counts each enrollment that reaches the service, after a pause like a slow ledger commit.</summary>
    public sealed class SlowEnrollment(Executions executions) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is EnrollRequest enroll)
            {
                executions.Add(enroll.CitizenId);
                await Task.Delay(Slow);
            }
            return await continuation(request, context);
        }
    }
}
