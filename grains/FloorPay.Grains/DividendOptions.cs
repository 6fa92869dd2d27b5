namespace FloorPay.Grains;

/// <summary>Configuration section "FloorPay:Dividends".</summary>
public sealed class DividendOptions
{
    /// <summary>
    /// How long after a declaration's cutoff its eligible count is sealed in the ledger. The seal keeps the count exact
    /// whatever the wait; a wait above the longest an enrollment normally takes to commit (the ledger's enrollment age
    /// limit plus its commit timeout) keeps the enrollments it refuses (retryably) rare.
    /// </summary>
    public TimeSpan EligibilityGrace { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Inflow sources that carry AI-dividend money: only these fund dividends. Each inflow records, when it is received,
    /// whether it does, so changing this list later never re-labels money already received. Empty means the default,
    /// <c>ai-dividend-levy</c> (configuration binding appends to a non-empty default instead of replacing it).
    /// </summary>
    public string[] InflowSources { get; set; } = [];

    /// <summary>
    /// A dividend above this total (minor units) takes two treasury participants: one proposes, another approves
    /// (DESIGN: no single hand on the big levers). 0 means every dividend does.
    /// </summary>
    public long ApprovalThreshold { get; set; } = 10_000_000_000;

    /// <summary>How long a proposed dividend waits for its approval before it expires unapproved.</summary>
    public TimeSpan ProposalLifetime { get; set; } = TimeSpan.FromHours(24);

    public IReadOnlyList<string> EffectiveInflowSources => InflowSources.Length > 0 ? InflowSources : ["ai-dividend-levy"];

    /// <summary>What makes this configuration unusable; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (EligibilityGrace < TimeSpan.Zero) yield return "EligibilityGrace cannot be negative";
        if (InflowSources.Any(string.IsNullOrWhiteSpace)) yield return "InflowSources cannot hold an empty name";
        if (ApprovalThreshold < 0) yield return "ApprovalThreshold cannot be negative";
        if (ProposalLifetime <= TimeSpan.Zero) yield return "ProposalLifetime must be positive";
    }
}
