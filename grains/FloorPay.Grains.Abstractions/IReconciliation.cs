namespace FloorPay.Grains;

/// <summary>Checks the money invariants against the ledger, the source of truth (issue: reconciliation).</summary>
public interface IReconciliation
{
    /// <param name="regionIds">The regions whose aggregates to compare with the ledger.</param>
    /// <param name="acknowledgedPayoutIds">Payout ids a caller was told were committed: each must be in the ledger.</param>
    Task<ReconciliationReport> RunAsync(IReadOnlyList<string> regionIds, IReadOnlyList<string> acknowledgedPayoutIds, CancellationToken cancellation = default);
}

public sealed record ReconciliationCheck(string Name, bool Passed, string Detail);

public sealed record ReconciliationReport(
    DateTimeOffset CheckedAt,
    long Payouts,
    long TotalPaid,
    IReadOnlyList<ReconciliationCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);
}
