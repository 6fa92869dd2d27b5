using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// Admission for native gRPC calls, decided before the request is parsed: a refusal is a trailers-only response
/// (RESOURCE_EXHAUSTED with the retry-after hints), with no deserialization, no interceptors and no exception, so that
/// refusing stays cheap under a surge and the capacity goes to the calls that were admitted.
/// It runs after <see cref="ApiKeyMiddleware"/>, so every FloorPay call that reaches it has an authenticated caller.
/// </summary>
public sealed class AdmissionMiddleware(RequestDelegate next, AdmissionGate gate)
{
    public const string Admitted = "floorpay.admitted";

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
        var (lease, refused) = gate.TryAdmit(path, caller);
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
}
