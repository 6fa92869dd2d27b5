namespace FloorPay.Grains;

/// <summary>A refused command. A refusal never changes state.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.Rejection")]
public sealed record Rejection(
    [property: Id(0)] RejectionKind Kind,
    [property: Id(1)] string Message,
    [property: Id(2)] long? RetryAfterMilliseconds = null);

/// <summary>Either the value of a successful command or the reason it was refused (no exceptions for callers' mistakes).</summary>
[GenerateSerializer, Immutable, Alias("floorpay.Outcome`1")]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] Rejection? Rejection)
{
    public static Outcome<T> Ok(T value) => new(value, null);

    public static Outcome<T> Refused(RejectionKind kind, string message) => new(default, new Rejection(kind, message));
}
