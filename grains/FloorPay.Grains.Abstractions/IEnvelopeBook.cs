namespace FloorPay.Grains;

/// <summary>
/// Bank envelopes as recorded: an envelope id is claimed, per bank (its idempotency scope), for one content
/// (fingerprint) before any item runs, and the items' results are kept so that a resend replays them.
/// </summary>
public interface IEnvelopeBook
{
    /// <summary>The envelope recorded under this id in this scope, if any.</summary>
    Task<RecordedEnvelope?> FindAsync(string scope, string envelopeId, CancellationToken cancellation = default);

    /// <summary>
    /// Claims <paramref name="envelopeId"/> in <paramref name="scope"/> for this content. Returns null when this call
    /// claimed it, else the envelope already recorded under that id (whatever its content).
    /// </summary>
    Task<RecordedEnvelope?> ClaimAsync(string scope, string envelopeId, string kind, string fingerprint, DateTimeOffset at,
        CancellationToken cancellation = default);

    /// <summary>Keeps the items' results (an opaque encoding chosen by the gateway), replacing earlier ones.</summary>
    Task SaveResultAsync(string scope, string envelopeId, byte[] result, DateTimeOffset at, CancellationToken cancellation = default);
}

/// <summary>An envelope as first claimed; <see cref="Result"/> is null until its items' results were saved.</summary>
public sealed record RecordedEnvelope(string Kind, string Fingerprint, DateTimeOffset ClaimedAt, byte[]? Result);
