using System.Collections.Concurrent;
using FloorPay.V1;

namespace FloorPay.LoadTests.Scenarios;

/// <summary>A FloorPay under test: its channel, the keys to use, and the payouts it acknowledged (for the integrity check).</summary>
public sealed class FloorPayTarget(GrpcChannel channel, string bankKey, string bankId, string auditorKey, string treasuryKey)
{
    public static readonly string[] Regions = ["R-NORTH", "R-SOUTH", "R-EAST", "R-WEST"];

    public GrpcChannel Channel { get; } = channel;
    public string BankId { get; } = bankId;
    public Metadata Bank { get; } = new() { { "authorization", $"Bearer {bankKey}" } };
    public Metadata Auditor { get; } = new() { { "authorization", $"Bearer {auditorKey}" } };
    public Metadata Treasury { get; } = new() { { "authorization", $"Bearer {treasuryKey}" } };
    public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The node this run started itself (--local), which a scenario may restart; null for a remote target.</summary>
    public LocalNode? Local { get; init; }

    /// <summary>Payout id → citizen id, for every payout this run was told is committed.</summary>
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new();

    public EnrollRequest NewEnrollment(long n, string region) => new()
    {
        IdempotencyKey = $"lt-{Run}-{n}",
        CitizenId = $"lt-{Run}-{n}",
        RegionId = region,
        PayoutAccount = new PayoutAccount { BankId = BankId, AccountToken = $"t{n % 5000}" },
    };

    public static StepOutcome Outcome(RpcException e) => new(e.StatusCode.ToString(), false);

    /// <summary>
    /// The ledger must hold: the journal balances, nobody is paid twice, every acknowledged payout exists, aggregates
    /// and dividends reconcile. Any failed check fails the run.
    /// </summary>
    public async Task<IntegrityResult> ReconcileAsync(CancellationToken cancellation)
    {
        var audit = new Audit.AuditClient(Channel);
        var details = new List<string>();
        var passed = true;
        var allFound = true;
        ReconciliationReport? last = null;
        // Reconcile takes at most 10,000 acknowledged ids per call: the ledger checks repeat per chunk, the
        // acknowledged-payout check is summed over them.
        foreach (var chunk in Acknowledged.Keys.Chunk(10_000).DefaultIfEmpty([]))
        {
            var request = new ReconcileRequest();
            request.AcknowledgedPayoutIds.AddRange(chunk);
            var report = await ReconcileRetryingAsync(audit, request, cancellation);
            passed &= report.Passed;
            last = report;
            foreach (var c in report.Checks)
            {
                var acknowledgedCheck = c.Name == "every acknowledged payout exists";
                allFound &= !acknowledgedCheck || c.Passed;
                if (!acknowledgedCheck || !c.Passed) details.Add($"{(c.Passed ? "ok" : "FAILED")}: {c.Name} ({c.Detail})");
            }
        }
        // The ledger's totals as reconciliation read them: what an audit export of this run must recompute.
        if (last is not null) details.Add($"ok: ledger totals: {last.Payouts} payouts, {last.TotalPaid.MinorUnits} minor units paid");
        details.Add(allFound
            ? $"ok: every acknowledged payout exists (all {Acknowledged.Count} payouts this run was told are committed are in the ledger)"
            : $"FAILED: acknowledged payouts missing from the ledger (see above)");
        return new IntegrityResult(passed, details.Distinct().ToList());
    }

    /// <summary>
    /// Reconciles as a client would after a drill: a node that just died (a partitioned pod declared dead) or one shedding
    /// load answers UNAVAILABLE or RESOURCE_EXHAUSTED, and the call is sent again, which the channel balances elsewhere.
    /// </summary>
    private async Task<ReconciliationReport> ReconcileRetryingAsync(Audit.AuditClient audit, ReconcileRequest request, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await audit.ReconcileAsync(request, Auditor, deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: cancellation);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellation);
            }
        }
    }
}
