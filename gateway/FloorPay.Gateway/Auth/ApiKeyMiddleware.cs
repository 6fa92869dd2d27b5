using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// The front door of both API ports (rule 11, rule 13): every FloorPay call, native gRPC ("/floorpay.v1.*") or JSON
/// ("/v1/*"), must present a known API key, and is answered UNAUTHENTICATED (gRPC trailers-only, status 16) or HTTP 401
/// before a byte of its body is read; an authenticated call whose body is announced over the size bound is refused the
/// same way (RESOURCE_EXHAUSTED / HTTP 413). A refusal costs a header lookup and a hash, whatever the caller sends.
/// Health, reflection and anything else pass through untouched.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ParticipantDirectory participants, RequestLimits limits)
{
    /// <summary>HttpContext item holding the authenticated <see cref="Participant"/>.</summary>
    public const string Authenticated = "floorpay.participant";

    private enum Api { None, Grpc, Json }

    public async Task InvokeAsync(HttpContext context)
    {
        var api = ApiOf(context.Request.Path.Value ?? "");
        if (api == Api.None)
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var caller = Caller(context.Request.Headers.Authorization.ToString(), out var why);
        if (caller is null)
        {
            await RefuseAsync(context, api, started, grpcStatus: 16, httpStatus: StatusCodes.Status401Unauthorized, why, bodyLeftUnread: true);
            return;
        }
        var bound = api == Api.Grpc ? limits.MaxGrpcMessageBytes + 5L : limits.MaxJsonBodyBytes;
        if (context.Request.ContentLength > bound)
        {
            await TooLargeAsync(context, api, started, bound, bodyLeftUnread: true);
            return;
        }
        var bodySize = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        // A JSON body of unannounced length (chunked) is read here, up to the bound, so that one over it is a clean 413
        // instead of a failure inside the transcoder; the caller is authenticated, and the bound caps what is held.
        if (api == Api.Json && context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            // Past the bound the rest is read and dropped, up to a few times the bound, so that the client (which sends
            // before it reads) sees the 413; beyond that Kestrel's own limit ends the connection.
            if (bodySize is { IsReadOnly: false }) bodySize.MaxRequestBodySize = DrainFactor * bound;
            var read = await BufferAsync(context, bound);
            if (read != BodyRead.Kept)
            {
                await TooLargeAsync(context, api, started, bound, bodyLeftUnread: read == BodyRead.TooLargeAndUnread);
                return;
            }
        }
        else if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = bound;
        }
        context.Items[Authenticated] = caller;
        await next(context);
    }

    private const int DrainFactor = 4;

    private enum BodyRead { Kept, TooLarge, TooLargeAndUnread }

    private static Api ApiOf(string path) =>
        path.StartsWith("/floorpay.v1.", StringComparison.Ordinal) ? Api.Grpc
        : path.StartsWith("/v1/", StringComparison.Ordinal) || path == "/v1" ? Api.Json
        : Api.None;

    private Participant? Caller(string header, out string why)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            why = "missing 'authorization: Bearer <api key>' header";
            return null;
        }
        why = "unknown API key";
        return participants.Find(header[scheme.Length..].Trim());
    }

    /// <summary>Reads the body into memory if it is at most <paramref name="bound"/> bytes; otherwise reads and drops it.</summary>
    private static async Task<BodyRead> BufferAsync(HttpContext context, long bound)
    {
        MemoryStream? copy = new();
        long total = 0;
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                total += read;
                if (total > bound) copy = null; // over the bound: hold nothing more, only count to the end
                copy?.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyRead.TooLargeAndUnread;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        if (copy is null) return BodyRead.TooLarge;
        copy.Position = 0;
        context.Request.Body = copy;
        context.Response.RegisterForDispose(copy);
        return BodyRead.Kept;
    }

    private static Task TooLargeAsync(HttpContext context, Api api, long started, long bound, bool bodyLeftUnread)
    {
        GatewayMeters.Refusals.Add(1, new KeyValuePair<string, object?>("reason", "too_large"));
        var what = api == Api.Grpc ? $"the message exceeds {bound - 5} bytes" : $"the body exceeds {bound} bytes";
        return RefuseAsync(context, api, started, grpcStatus: 8, httpStatus: StatusCodes.Status413PayloadTooLarge, $"{what}; nothing was done",
            bodyLeftUnread);
    }

    private static async Task RefuseAsync(HttpContext context, Api api, long started, int grpcStatus, int httpStatus, string message, bool bodyLeftUnread)
    {
        var response = context.Response;
        // An unread HTTP/1.x body is not drained (that would cost what the refusal saves): the connection closes after
        // the answer. HTTP/2 ends just the stream.
        if (bodyLeftUnread && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true &&
            (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
            response.Headers.Connection = "close";
        if (api == Api.Grpc)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = grpcStatus.ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            await response.CompleteAsync();
        }
        else
        {
            response.StatusCode = httpStatus;
            if (httpStatus == StatusCodes.Status401Unauthorized) response.Headers.WWWAuthenticate = "Bearer";
            response.ContentType = "application/json";
            // The same shape as the transcoder's own errors (google.rpc.Status).
            await response.WriteAsync(JsonSerializer.Serialize(new { code = grpcStatus, message, details = Array.Empty<object>() }));
            await response.CompleteAsync();
        }
        var tags = new TagList
        {
            { "method", GatewayMethods.Label(context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName) },
            { "status", grpcStatus == 16 ? "Unauthenticated" : "ResourceExhausted" },
        };
        GatewayMeters.Requests.Add(1, tags);
        GatewayMeters.RequestSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }
}
