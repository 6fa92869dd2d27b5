namespace FloorPay.Grains;

[GenerateSerializer, Alias("floorpay.FundState")]
public sealed class FundState
{
    [Id(0)] public long Inflows { get; set; }
    // Ids 1-3 and 7 held fed outflows, enrollments and feed sequences; the ledger keeps those now (ILedgerTallies).
    [Id(4)] public List<DividendPoint> Declarations { get; set; } = [];
    [Id(5)] public List<InflowRecord> InflowLog { get; set; } = [];
    [Id(6)] public Dictionary<string, IdempotencyEntry> IdempotencyKeys { get; set; } = [];
    [Id(11)] public PendingDividend? Pending { get; set; }
    [Id(12)] public List<DividendProposal> Proposals { get; set; } = [];
    /// <summary>Who declared each dividend (by sequence): one treasury participant, or "proposer+approver".</summary>
    [Id(13)] public Dictionary<int, string> DeclaredBy { get; set; } = [];
}

/// <summary>A dividend above the approval threshold: proposed by one treasury participant, declared when a second approves.</summary>
[GenerateSerializer, Alias("floorpay.DividendProposal")]
public sealed class DividendProposal
{
    [Id(0)] public string ProposalId { get; set; } = "";
    [Id(1)] public long Total { get; set; }
    [Id(2)] public string ProposedBy { get; set; } = "";
    [Id(3)] public DateTimeOffset ProposedAt { get; set; }
    [Id(4)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(5)] public string? ApprovedBy { get; set; }
    [Id(6)] public DateTimeOffset? ApprovedAt { get; set; }
    /// <summary>The declaration the approval made.</summary>
    [Id(7)] public int Sequence { get; set; }
}

[GenerateSerializer, Alias("floorpay.InflowRecord")]
public sealed class InflowRecord
{
    [Id(0)] public string InflowId { get; set; } = "";
    [Id(1)] public string Source { get; set; } = "";
    [Id(2)] public long Amount { get; set; }
    [Id(3)] public string Reference { get; set; } = "";
    [Id(4)] public long BalanceAfter { get; set; }
    [Id(5)] public DateTimeOffset RecordedAt { get; set; }
    /// <summary>Whether this inflow funds dividends (its source was an AI-dividend source when received); unset in records
    /// written before this was kept, which are judged by their source.</summary>
    [Id(6)] public bool? FundsDividends { get; set; }
    /// <summary>The treasury participant who recorded it (empty in records written before this was kept).</summary>
    [Id(7)] public string RecordedBy { get; set; } = "";
}

/// <summary>A declared dividend waiting for the enrollments before its cutoff to reach the fund.</summary>
[GenerateSerializer, Alias("floorpay.PendingDividend")]
public sealed class PendingDividend
{
    [Id(0)] public int Sequence { get; set; }
    [Id(1)] public string IdempotencyKey { get; set; } = "";
    [Id(2)] public long Total { get; set; }
    [Id(3)] public DateTimeOffset EligibleBefore { get; set; }
    [Id(4)] public DateTimeOffset FinalizesAt { get; set; }
    /// <summary>The ledger's seal of this declaration's eligible count (unique per declaration, so a retry reads the same count).</summary>
    [Id(5)] public string SealId { get; set; } = "";
    [Id(6)] public string DeclaredBy { get; set; } = "";
}
