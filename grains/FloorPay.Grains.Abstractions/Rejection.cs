namespace FloorPay.Grains;

/// <summary>Why a command was refused; the gateway maps each kind to the gRPC status of the same name.</summary>
public enum RejectionKind
{
    InvalidArgument = 1,
    NotFound = 2,
    AlreadyExists = 3,
    FailedPrecondition = 4,
    PermissionDenied = 5,

    /// <summary>A bound was reached; <see cref="Rejection.RetryAfterMilliseconds"/> says when it opens again.</summary>
    ResourceExhausted = 6,
}

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
