using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Rules 11 and 13 at the front door: the API key is checked before any request body is read, on both ports, and a
/// body over the configured size is refused (RESOURCE_EXHAUSTED / HTTP 413) without being parsed and changes nothing,
/// while the largest legitimate request (a full bulk envelope, a full reconciliation) still fits.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class RequestBoundTests(SharedServerFixture fixture)
{
    // Generous: each answer is expected at once; this only keeps a server that waits for the body from hanging the suite.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly FloorPayServer _server = fixture.Server;

    public static TheoryData<string?> MissingOrUnknownKeys => new() { null, "not-a-key" };

    [Theory]
    [MemberData(nameof(MissingOrUnknownKeys))]
    public async Task An_unauthenticated_grpc_call_is_refused_before_its_message_arrives(string? apiKey)
    {
        using var client = WireClients.Grpc(_server);
        using var patience = new CancellationTokenSource(Patience);
        // A 3,000,000-byte bulk envelope is announced; only its first kilobyte is ever sent.
        var prefix = WireClients.FrameHeader(3_000_000).Concat(new byte[1024]).ToArray();
        using var request = WireClients.GrpcRequest("/floorpay.v1.Bulk/EnrollBatch", new StalledBody(prefix, announcedLength: null), apiKey);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, patience.Token);

        Assert.Equal("16", await WireClients.GrpcStatusAsync(response, patience.Token)); // UNAUTHENTICATED
    }

    [Theory]
    [MemberData(nameof(MissingOrUnknownKeys))]
    public async Task An_unauthenticated_json_call_is_refused_before_its_body_arrives(string? apiKey)
    {
        using var client = WireClients.Json(_server);
        using var patience = new CancellationTokenSource(Patience);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/bulk/enrollments")
        {
            Content = new StalledBody(Encoding.UTF8.GetBytes("{\"envelopeId\":\"e-1\",\"items\":["), announcedLength: 27_000_000),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.ExpectContinue = true; // the server that reads the body says "100 Continue" and waits for the rest
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, patience.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_json_and_grpc_paths_without_a_key_are_unauthenticated_too()
    {
        using var json = await _server.Http.GetAsync("/v1/made-up/path");
        Assert.Equal(HttpStatusCode.Unauthorized, json.StatusCode);
        using var client = WireClients.Grpc(_server);
        using var request = WireClients.GrpcRequest("/floorpay.v1.MadeUp/Call", WireClients.Frame(new GetPolicyRequest()), apiKey: null);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("16", await WireClients.GrpcStatusAsync(response, CancellationToken.None));
    }

    [Fact]
    public async Task An_oversized_grpc_message_is_resource_exhausted_and_changes_nothing()
    {
        // 16,000 items of well-formed ids: about 3.5 MB, over the 3 MiB bound (and under gRPC's old 4 MB default).
        var envelope = Envelope(16_000);
        Assert.InRange(envelope.CalculateSize(), 3 * 1024 * 1024 + 1, 4_000_000);

        var e = await Expect.Status(StatusCode.ResourceExhausted, _server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(envelope));

        Assert.DoesNotContain("items", e.Status.Detail, StringComparison.Ordinal); // refused for its size, not parsed and validated
        await AssertNotEnrolled(envelope.Items[0].CitizenId, envelope.Items[^1].CitizenId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_oversized_json_body_is_413_and_changes_nothing(bool announcesItsLength)
    {
        var envelope = Envelope(16_000);
        var json = Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(envelope));
        Assert.True(json.Length > 4 * 1024 * 1024, $"{json.Length} bytes is not over the 4 MiB bound");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/bulk/enrollments")
        {
            // Without a length the body is sent chunked, and the bound is found only while reading it.
            Content = announcesItsLength ? new ByteArrayContent(json) : new StreamContent(new UnknownLengthStream(json)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.ExpectContinue = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeys.BankA);
        using var client = WireClients.Json(_server);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNotEnrolled(envelope.Items[0].CitizenId, envelope.Items[^1].CitizenId);
    }

    [Fact]
    public async Task The_largest_legitimate_requests_fit_the_bounds_on_both_ports()
    {
        // A full envelope with every id at its 64-character maximum, and a reconciliation one id over its 10,000 bound
        // (200 characters each): each is parsed and validated (INVALID_ARGUMENT), never refused for its size.
        var envelope = Envelope(BulkMax);
        envelope.ControlCount = BulkMax + 1;
        var reconcile = new ReconcileRequest();
        reconcile.AcknowledgedPayoutIds.AddRange(Enumerable.Range(0, 10_001).Select(i => $"{i:D8}".PadRight(200, 'x')));

        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.BankA).Bulk.EnrollBatchAsync(envelope));
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.Auditor).Audit.ReconcileAsync(reconcile));
        Assert.Equal(HttpStatusCode.BadRequest, await PostJsonAsync("/v1/bulk/enrollments", envelope, ApiKeys.BankA));
        Assert.Equal(HttpStatusCode.BadRequest, await PostJsonAsync("/v1/audit:reconcile", reconcile, ApiKeys.Auditor));
        await AssertNotEnrolled(envelope.Items[0].CitizenId);
    }

    private const int BulkMax = 1000;

    private async Task<HttpStatusCode> PostJsonAsync(string path, Google.Protobuf.IMessage message, string apiKey)
    {
        // Indented, as a person's tool might send it: the bound must hold for that too.
        var compact = Google.Protobuf.JsonFormatter.Default.Format(message);
        var indented = JsonSerializer.Serialize(JsonDocument.Parse(compact).RootElement, new JsonSerializerOptions { WriteIndented = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(indented, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await _server.Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>An envelope of <paramref name="count"/> enrollments, every id at the 64-character maximum.</summary>
    private static EnrollEnvelope Envelope(int count)
    {
        var run = Guid.NewGuid().ToString("N");
        var envelope = new EnrollEnvelope
        {
            EnvelopeId = $"env-{run}".PadRight(64, 'e'),
            ControlCount = count,
            ControlAmount = new Money { MinorUnits = 120_000L * count, Currency = "EUR" },
        };
        envelope.Items.AddRange(Enumerable.Range(0, count).Select(i => new EnrollRequest
        {
            IdempotencyKey = $"k-{run}-{i}".PadRight(64, 'k'),
            CitizenId = $"c-{run}-{i}".PadRight(64, 'c'),
            RegionId = "R-NORTH",
            PayoutAccount = new PayoutAccount { BankId = "bank-a", AccountToken = $"tok-{run}-{i}".PadRight(64, 't') },
        }));
        return envelope;
    }

    private async Task AssertNotEnrolled(params string[] citizenIds)
    {
        foreach (var id in citizenIds)
            await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = id }));
    }

    /// <summary>A readable stream that does not tell its length, so that HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
