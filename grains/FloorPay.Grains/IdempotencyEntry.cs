namespace FloorPay.Grains;

/// <summary>
/// What a used idempotency key was used for: the fingerprint of the request's content and the id of what it produced,
/// so a resend replays the original result and a reuse with other content is refused (rule 4).
/// </summary>
[GenerateSerializer, Alias("floorpay.IdempotencyEntry")]
public sealed class IdempotencyEntry
{
    [Id(0)] public string Fingerprint { get; set; } = "";
    [Id(1)] public string ResultId { get; set; } = "";
}
