using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using static FloorPay.Gateway.Auth.AdmissionGate;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// Admission for native gRPC calls, decided before the request is parsed: a refusal is a trailers-only response
/// (RESOURCE_EXHAUSTED with the retry-after hints), with no deserialization, no interceptors and no exception, so that
/// refusing stays cheap under a surge and the capacity goes to the calls that were admitted.
/// It runs after <see cref="ApiKeyMiddleware"/>, so every FloorPay call that reaches it has an authenticated caller.
/// A call takes its slot only once its message has arrived: a client that sends headers and holds back the message
/// (slow, lagging or hostile) would otherwise hold slots that calls ready to run need.
/// </summary>
public sealed class AdmissionMiddleware(RequestDelegate next, AdmissionGate gate, RequestLimits limits)
{
    public const string Admitted = "floorpay.admitted";

    /// <summary>
    /// How much of a message is waited for before admission: all of a usual one, and the start of a large envelope,
    /// well inside HTTP/2's flow-control window so the client can always send it without the server reading.
    /// </summary>
    private const int MessageBytesAwaited = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        // Streams have their own bounds (InstructionStreams): a long-lived stream in a unary slot would starve the calls.
        if (!path.StartsWith("/floorpay.v1.", StringComparison.Ordinal) || GatewayMethods.Streams.Contains(path) ||
            context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true ||
            context.Items[ApiKeyMiddleware.Authenticated] is not Participant caller)
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        // Refused at once when full (no wait for the message); otherwise the slot is taken once the message is here.
        Lease? lease = null;
        var refused = gate.RefusalWhenFull(path, caller);
        if (refused is null)
        {
            if (!await MessageArrivedAsync(context.Request.BodyReader, context.RequestAborted)) return;
            (lease, refused) = gate.TryAdmit(path, caller);
        }
        if (refused is not null)
        {
            var retry = refused.RetryAfterMilliseconds.ToString(CultureInfo.InvariantCulture);
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = "8"; // RESOURCE_EXHAUSTED
            response.Headers["grpc-message"] = Uri.EscapeDataString(refused.Message);
            response.Headers["grpc-retry-pushback-ms"] = retry;
            response.Headers["floorpay-retry-after-ms"] = retry;
            await response.CompleteAsync();
            var tags = new TagList { { "method", GatewayMethods.Label(path) }, { "status", "ResourceExhausted" } };
            GatewayMeters.Requests.Add(1, tags);
            GatewayMeters.RequestSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            GatewayMeters.Refusals.Add(1, new KeyValuePair<string, object?>("reason", refused.Reason));
            return;
        }
        context.Items[Admitted] = true;
        try
        {
            await next(context);
            if (!lease!.Samples) return;
            // gRPC's status is a trailer (or a header, for a trailers-only answer).
            var status = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].ToString() is { Length: > 0 } trailer
                ? trailer : context.Response.Headers["grpc-status"].ToString();
            if (status == "0") lease.Succeeded();
        }
        finally { lease!.Dispose(); }
    }

    /// <summary>
    /// Waits until the call's first message has arrived (up to <see cref="MessageBytesAwaited"/> of it), consuming
    /// nothing, so gRPC then reads it from the start; false when the caller went away first. A message announced over
    /// the size limit is not waited for: gRPC refuses it from its header.
    /// </summary>
    private async ValueTask<bool> MessageArrivedAsync(PipeReader body, CancellationToken aborted)
    {
        try
        {
            while (true)
            {
                // Usually the message came with the headers: taken at once, without a hop through the thread pool.
                var read = body.TryRead(out var ready) ? ready : await body.ReadAsync(aborted);
                var buffer = read.Buffer;
                var awaited = 5L;
                if (buffer.Length >= 5 && Announced(buffer) is var announced && announced <= (uint)limits.MaxGrpcMessageBytes)
                    awaited = 5 + Math.Min(announced, MessageBytesAwaited);
                if (buffer.Length >= awaited || read.IsCompleted || read.IsCanceled)
                {
                    body.AdvanceTo(buffer.Start);
                    return true;
                }
                body.AdvanceTo(buffer.Start, buffer.End); // all of it examined: the next read waits for more
            }
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception)
        {
            return true; // a body Kestrel refuses (too large, malformed): gRPC's own read meets it and answers as usual
        }
    }

    /// <summary>The message length a gRPC frame header announces (bytes 1 to 4, big-endian).</summary>
    private static uint Announced(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        return BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
    }
}
