using FloorPay.Gateway.Auth;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace FloorPay.Gateway.Tests;

/// <summary>A call whose grain's silo was lost is run again until the grain is reachable; nothing else is.</summary>
public sealed class SiloLossRetryTests
{
    private readonly SiloLossRetryInterceptor _retry = new(NullLogger<SiloLossRetryInterceptor>.Instance);

    [Fact]
    public async Task A_call_that_could_not_reach_its_grains_silo_is_run_again_until_it_can()
    {
        var calls = 0;
        var answer = await _retry.UnaryServerHandler("request", new TestCallContext(DateTime.UtcNow.AddSeconds(30)), (_, _) =>
        {
            calls++;
            return calls < 3 ? throw new SiloUnavailableException("S10.77.0.12:11111 is dead") : Task.FromResult("answer");
        });

        Assert.Equal("answer", answer);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_failure_that_is_not_a_lost_silo_is_not_retried()
    {
        var calls = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => _retry.UnaryServerHandler<string, string>("request", new TestCallContext(DateTime.UtcNow.AddSeconds(30)),
            (_, _) => { calls++; throw new TimeoutException("the ledger did not answer"); }));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Retrying_stops_before_the_callers_deadline()
    {
        var calls = 0;
        var deadline = DateTime.UtcNow.AddMilliseconds(400);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => _retry.UnaryServerHandler<string, string>("request", new TestCallContext(deadline),
            (_, _) => { calls++; throw new SiloUnavailableException(); }));
        Assert.True(DateTime.UtcNow < deadline.AddMilliseconds(300), "it waited past the deadline");
        Assert.InRange(calls, 2, 5);
    }

    private sealed class TestCallContext(DateTime deadline) : ServerCallContext
    {
        protected override string MethodCore => "/floorpay.v1.Citizens/Enroll";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:5000";
        protected override DateTime DeadlineCore => deadline;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
