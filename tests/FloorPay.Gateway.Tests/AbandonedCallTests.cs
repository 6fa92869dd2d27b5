using FloorPay.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// A call whose caller has already given up when it reaches the gateway (its deadline passed while it waited) is not
/// worked on: under a retry storm that abandoned work is what starves the calls still waited for.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class AbandonedCallTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    /// <summary>Sends every call with a deadline of one microsecond, as if it had waited in queues until it expired.</summary>
    private sealed class ExpiredOnArrival() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove("grpc-timeout");
            request.Headers.TryAddWithoutValidation("grpc-timeout", "1u");
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task An_enrollment_whose_deadline_passed_before_it_started_does_nothing()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_server.GrpcPort}", new GrpcChannelOptions { HttpHandler = new ExpiredOnArrival() });
        var citizenId = Ids.Citizen();
        var call = new Citizens.CitizensClient(channel).EnrollAsync(Requests.Enroll(citizenId, "bank-a", "R-NORTH"),
            new Metadata { { "authorization", $"Bearer {ApiKeys.BankA}" } }, deadline: DateTime.UtcNow.AddSeconds(30));

        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.True(refused.StatusCode is StatusCode.Cancelled or StatusCode.DeadlineExceeded, refused.ToString());
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId }));
        // The same enrollment sent in time is done, once.
        var enrolled = await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(citizenId, "bank-a", "R-NORTH"));
        Assert.False(enrolled.FirstPayout.Replayed);
    }
}
