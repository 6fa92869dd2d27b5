using System.Diagnostics;

namespace FloorPay.Grains;

/// <summary>
/// FloorPay's own spans (activity source "FloorPay"): the wait of one call for its ledger commit, and the commit itself.
/// A commit carries many calls, so it is a trace of its own that links to each of them rather than a child of one.
/// With no tracer listening, starting a span costs a check and returns null.
/// </summary>
public static class FloorPayTracing
{
    public const string SourceName = "FloorPay";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>One call's entries waiting for the group commit that carries them (a child of the calling grain's span).</summary>
    public const string LedgerAppend = "ledger append";

    /// <summary>One ledger transaction, linked to the appends it carries.</summary>
    public const string LedgerCommit = "ledger commit";
}
