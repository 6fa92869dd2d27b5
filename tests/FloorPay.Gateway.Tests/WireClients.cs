using System.Net;
using System.Net.Http.Headers;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Raw HTTP clients for the two API ports, for requests a generated client would never send: a gRPC message framed
/// by hand, or a body that is announced but never finished.
/// </summary>
public static class WireClients
{
    /// <summary>HTTP/2 cleartext (prior knowledge) to the gRPC port, as a gRPC client speaks it.</summary>
    public static HttpClient Grpc(FloorPayServer server) => new(new SocketsHttpHandler())
    {
        BaseAddress = new Uri($"http://127.0.0.1:{server.GrpcPort}"),
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// HTTP/1.1 to the JSON port. An HTTP/1.1 client reads the answer only after sending the body, unless it asks
    /// "Expect: 100-continue" first (as clients sending large bodies do): this one waits for the server's go-ahead or
    /// its refusal as long as it takes.
    /// </summary>
    public static HttpClient Json(FloorPayServer server) => new(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}"),
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>A unary gRPC request carrying <paramref name="body"/> (already framed) to <paramref name="method"/>.</summary>
    public static HttpRequestMessage GrpcRequest(string method, HttpContent body, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = body,
            // A request message does not take the client's defaults: h2c needs HTTP/2 asked for exactly.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return request;
    }

    /// <summary>The 5-byte gRPC frame header (uncompressed) announcing a message of <paramref name="length"/> bytes.</summary>
    public static byte[] FrameHeader(int length) =>
        [0, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length];

    /// <summary>A whole gRPC frame: header and message.</summary>
    public static ByteArrayContent Frame(Google.Protobuf.IMessage message)
    {
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(message);
        return new ByteArrayContent([.. FrameHeader(bytes.Length), .. bytes]);
    }

    /// <summary>The gRPC status of a response: from a trailers-only response's headers, or from the trailers.</summary>
    public static async Task<string?> GrpcStatusAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (response.Headers.TryGetValues("grpc-status", out var inHeaders)) return inHeaders.Single();
        await response.Content.CopyToAsync(Stream.Null, cancellation);
        return response.TrailingHeaders.TryGetValues("grpc-status", out var inTrailers) ? inTrailers.Single() : null;
    }
}

/// <summary>
/// A request body that sends <paramref name="prefix"/> and then stalls until the request is cancelled: whatever the
/// server answers, it answered without reading the body to its end.
/// </summary>
public sealed class StalledBody(byte[] prefix, long? announcedLength) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(prefix, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = announcedLength ?? 0;
        return announcedLength is not null;
    }
}
