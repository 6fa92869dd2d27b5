namespace FloorPay.Grains;

/// <summary>
/// A bank's outbox reached <paramref name="LatestSequence"/> on some silo: published on the bank's Orleans stream after
/// the commit, so that every silo's open streams of that bank list at once. A hint only: the outbox stays the source of
/// truth and the cursor, so a lost or repeated notice costs at most a delay or an empty list.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InstructionNotice([property: Id(0)] string BankId, [property: Id(1)] long LatestSequence)
{
    /// <summary>The Orleans stream provider that carries the notices (in memory: no database query per notice or while idle).</summary>
    public const string Provider = "instruction-notices";

    /// <summary>The stream namespace; the stream key is the bank id.</summary>
    public const string Namespace = "instructions";
}
