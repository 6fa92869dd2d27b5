using System.Collections.Concurrent;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// A resend of a write whose first attempt is still running waits for that attempt instead of running the work again,
/// also when the first attempt's caller has gone. An outermost test interceptor counts the requests that arrive, an
/// innermost one counts the enrollments that reach the service and holds each there (a stalled commit) until the test
/// has seen every request it sent arrive: the overlap does not depend on the machine's speed.
/// </summary>
public sealed class ResendJoinTests : IAsyncLifetime
{
    private readonly Executions _executions = new();
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b =>
        {
            b.Services.AddSingleton(_executions);
            // PostConfigure: after the gateway's own interceptors, so Arrival is first and HeldEnrollment last.
            b.Services.PostConfigure<GrpcServiceOptions>(o =>
            {
                o.Interceptors.Add<Arrival>();
                var arrival = o.Interceptors[^1];
                o.Interceptors.RemoveAt(o.Interceptors.Count - 1);
                o.Interceptors.Insert(0, arrival);
                o.Interceptors.Add<HeldEnrollment>();
            });
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Identical_resends_while_the_first_attempt_runs_get_its_answer_and_the_work_runs_once()
    {
        var request = Requests.Enroll(Ids.Citizen());
        var bank = _server.As(ApiKeys.BankA).Citizens;

        var calls = Enumerable.Range(0, 5).Select(_ => EnrollAsync(bank, request)).ToList();
        await _executions.ReleaseWhenArrived(request.CitizenId, 5);
        var answers = await Task.WhenAll(calls);

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
        Assert.Equal(1, _executions.Of(request.CitizenId)); // still held: the attempt outlives its caller
        var resend = EnrollAsync(bank, request);
        await _executions.ReleaseWhenArrived(request.CitizenId, 2);
        var resent = await resend;
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
    public async Task A_write_whose_deadline_passed_before_it_ran_is_still_done_once_and_a_resend_replays_it()
    {
        // Under a storm the node's queue outlasts short client deadlines: if an attempt dropped for its deadline were
        // never run, every resend would meet the same fate and nothing would ever be done.
        var request = Requests.Enroll(Ids.Citizen());
        using var wire = WireClients.Grpc(_server);
        using var late = WireClients.GrpcRequest("/floorpay.v1.Citizens/Enroll", WireClients.Frame(request), ApiKeys.BankA);
        late.Headers.TryAddWithoutValidation("grpc-timeout", "1u"); // over before the service can be reached
        using var response = await wire.SendAsync(late, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("4", await WireClients.GrpcStatusAsync(response, CancellationToken.None)); // DEADLINE_EXCEEDED

        await _executions.ReleaseWhenExecuted(request.CitizenId, 1);
        var resent = await EnrollAsync(_server.As(ApiKeys.BankA).Citizens, request);
        Assert.True(resent.Replayed && resent.FirstPayout.Replayed);
        Assert.Equal(request.CitizenId, resent.CitizenId);
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
        var attempts = new[] { Attempt("R-NORTH"), Attempt("R-SOUTH") };
        await _executions.ReleaseWhenExecuted(citizen, 2);
        var outcomes = await Task.WhenAll(attempts);
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
        await _executions.WaitUntilExecuted(request.CitizenId, 1);

        // bank-a may not enroll to bank-b's account: it gets its own refusal, not bank-b's answer.
        var theirs = Expect.Status(StatusCode.PermissionDenied, () => _server.As(ApiKeys.BankA).Citizens.EnrollAsync(request).ResponseAsync);
        await _executions.ReleaseWhenExecuted(request.CitizenId, 2);
        await theirs;
        Assert.Equal(request.CitizenId, (await mine).CitizenId);
    }

    /// <summary>Retries RESOURCE_EXHAUSTED and UNAVAILABLE with the same request, as a client does.</summary>
    private static async Task<EnrollResponse> EnrollAsync(Citizens.CitizensClient bank, EnrollRequest request)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await bank.EnrollAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable && attempt < 20)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Per citizen: enrollments that arrived at the gateway, those that reached the service, and the hold.</summary>
    public sealed class Executions
    {
        private readonly ConcurrentDictionary<string, int> _arrived = new();
        private readonly ConcurrentDictionary<string, int> _executed = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new();

        public void Arrived(string citizen) => _arrived.AddOrUpdate(citizen, 1, (_, n) => n + 1);

        public Task Executed(string citizen)
        {
            _executed.AddOrUpdate(citizen, 1, (_, n) => n + 1);
            // Bounded, so that a test that failed before releasing does not hang the server's calls for ever.
            return Hold(citizen).Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        public int Of(string citizen) => _executed.GetValueOrDefault(citizen);

        public async Task ReleaseWhenArrived(string citizen, int count)
        {
            await Until(() => _arrived.GetValueOrDefault(citizen) >= count, $"{count} requests for {citizen} to arrive");
            Hold(citizen).TrySetResult();
        }

        public async Task ReleaseWhenExecuted(string citizen, int count)
        {
            await WaitUntilExecuted(citizen, count);
            Hold(citizen).TrySetResult();
        }

        public Task WaitUntilExecuted(string citizen, int count) =>
            Until(() => Of(citizen) >= count, $"{count} enrollments of {citizen} to reach the service");

        private TaskCompletionSource Hold(string citizen) =>
            _holds.GetOrAdd(citizen, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        private static async Task Until(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, $"gave up waiting for {what}");
                await Task.Delay(10);
            }
        }
    }

    /// <summary>Counts every enrollment that arrives, before the gateway's own interceptors.</summary>
    public sealed class Arrival(Executions executions) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is EnrollRequest enroll) executions.Arrived(enroll.CitizenId);
            return continuation(request, context);
        }
    }

    /// <summary>Counts each enrollment that reaches the service and holds it there, like a stalled ledger commit.</summary>
    public sealed class HeldEnrollment(Executions executions) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is EnrollRequest enroll) await executions.Executed(enroll.CitizenId);
            return await continuation(request, context);
        }
    }
}
