namespace FloorPay.Gateway;

/// <summary>
/// Configuration section "FloorPay:Limits": the largest request either API port accepts (rule 13). Anything larger is
/// refused before it is parsed: RESOURCE_EXHAUSTED on the gRPC port, HTTP 413 on the JSON port.
/// </summary>
/// <remarks>
/// Sized from the largest legitimate requests, every id at its maximum length:
/// a bulk envelope of <see cref="Services.BulkService.MaxItems"/> (1,000) enrollments with 64-character ids is about
/// 335 KB as protobuf (about 336 bytes an item) and about 600 KB as indented JSON; a reconciliation with
/// <see cref="Services.AuditService.MaxAcknowledged"/> (10,000) payout ids of 200 characters is 2.03 MB as protobuf and
/// about 2.1 MB as indented JSON. The defaults leave about 1.5× (gRPC) and 2× (JSON) over the reconciliation, and
/// about 9× and 7× over a full envelope.
/// </remarks>
public sealed class RequestLimits
{
    /// <summary>Largest gRPC message (gRPC's MaxReceiveMessageSize; the 5-byte frame header comes on top).</summary>
    public int MaxGrpcMessageBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Largest JSON request body on the HTTP port (Kestrel's MaxRequestBodySize for the JSON paths).</summary>
    public int MaxJsonBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The server-wide Kestrel bound: the larger of the two, so that each path's own bound is the one that applies.</summary>
    public long MaxRequestBodyBytes => Math.Max(MaxGrpcMessageBytes + 5L, MaxJsonBodyBytes);
}
