namespace FloorPay.Grains;

[GenerateSerializer, Immutable, Alias("floorpay.InflowCommand")]
public sealed record InflowCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string Source,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Reference,
    [property: Id(4)] string RecordedBy = "");

[GenerateSerializer, Immutable, Alias("floorpay.InflowReceipt")]
public sealed record InflowReceipt(
    [property: Id(0)] string InflowId,
    [property: Id(1)] string Source,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Reference,
    [property: Id(4)] long BalanceAfter,
    [property: Id(5)] DateTimeOffset RecordedAt,
    [property: Id(6)] bool Replayed);

/// <param name="ProposedBy">The treasury participant declaring: above the approval threshold, its declaration is a proposal.</param>
[GenerateSerializer, Immutable, Alias("floorpay.DeclareDividendCommand")]
public sealed record DeclareDividendCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] long TotalAmount,
    [property: Id(2)] string ProposedBy = "");

/// <summary>A second treasury participant's approval of a proposed dividend: it is then declared.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.ApproveDividendCommand")]
public sealed record ApproveDividendCommand(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string ProposalId,
    [property: Id(2)] string ApprovedBy);

/// <summary>A dividend proposed above the approval threshold, waiting for a second participant until it expires.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.DividendProposalInfo")]
public sealed record DividendProposalInfo(
    [property: Id(0)] string ProposalId,
    [property: Id(1)] string ProposedBy,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] string? ApprovedBy);

[GenerateSerializer, Immutable, Alias("floorpay.DividendReceipt")]
public sealed record DividendReceipt(
    [property: Id(0)] int Sequence,
    [property: Id(1)] long TotalAmount,
    [property: Id(2)] long EligibleCount,
    [property: Id(3)] long PerCapita,
    [property: Id(4)] long Remainder,
    [property: Id(5)] long CumulativeIndex,
    [property: Id(6)] DateTimeOffset DeclaredAt,
    [property: Id(7)] bool Replayed,
    [property: Id(8)] DateTimeOffset EligibleBefore,
    [property: Id(9)] bool Final,
    [property: Id(10)] DateTimeOffset FinalizesAt,
    [property: Id(11)] DividendProposalInfo? Proposal = null)
{
    /// <summary>A proposal not approved yet: nothing is declared (no sequence, no cutoff).</summary>
    public bool AwaitsApproval => Proposal is { ApprovedBy: null };
}

/// <summary>A declared dividend as citizens need it to compute accrual.</summary>
[GenerateSerializer, Immutable, Alias("floorpay.DividendPoint")]
public sealed record DividendPoint(
    [property: Id(0)] int Sequence,
    [property: Id(1)] DateTimeOffset DeclaredAt,
    [property: Id(2)] long Total,
    [property: Id(3)] long EligibleCount,
    [property: Id(4)] long PerCapita,
    [property: Id(5)] long Remainder,
    [property: Id(6)] long CumulativeIndex,
    [property: Id(7)] DateTimeOffset EligibleBefore);

[GenerateSerializer, Immutable, Alias("floorpay.FundSummary")]
public sealed record FundSummary(
    [property: Id(0)] string FundId,
    [property: Id(1)] string Currency,
    [property: Id(2)] long Inflows,
    [property: Id(3)] long FloorOutflows,
    [property: Id(4)] long DividendOutflows,
    [property: Id(5)] long Balance,
    [property: Id(6)] long EnrolledCount,
    [property: Id(7)] long DividendsDeclared,
    [property: Id(8)] long DividendIndex,
    [property: Id(9)] long? RunwayPeriods,
    [property: Id(10)] bool LowRunwayAlert,
    [property: Id(11)] int PolicyVersion,
    [property: Id(12)] long AvailableForDividends);
