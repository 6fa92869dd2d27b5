namespace FloorPay.Domain;

/// <summary>Why a command was refused; the gateway maps each kind to the gRPC status of the same name.</summary>
public enum RejectionKind
{
    InvalidArgument = 1,
    NotFound = 2,
    AlreadyExists = 3,
    FailedPrecondition = 4,
    PermissionDenied = 5,

    /// <summary>A bound was reached; the refusal's retry-after says when it opens again.</summary>
    ResourceExhausted = 6,
}
