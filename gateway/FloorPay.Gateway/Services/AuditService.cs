using FloorPay.Grains;
using FloorPay.V1;
using Google.Protobuf.WellKnownTypes;

namespace FloorPay.Gateway.Services;

public sealed class AuditService(IReconciliation reconciliation, FloorPayTopology topology, PolicyBook policies, IFraudFlags fraudFlags) : Audit.AuditBase
{
    public override async Task<ListFraudFlagsResponse> ListFraudFlags(ListFraudFlagsRequest request, ServerCallContext context)
    {
        context.Require(ParticipantRole.Reviewer, ParticipantRole.Auditor);
        var size = request.PageSize switch
        {
            0 => 100,
            < 0 or > 1000 => throw Check.Invalid("page_size must be 0-1000"),
            var n => n,
        };
        var response = new ListFraudFlagsResponse();
        response.Flags.AddRange((await fraudFlags.ListAsync(size, context.CancellationToken)).Select(f => new V1.FraudFlag
        {
            BankId = f.BankId,
            AccountToken = f.AccountToken,
            CitizenCount = f.CitizenCount,
            RaisedByChange = f.RaisedByChange,
            RaisedAt = Timestamp.FromDateTimeOffset(f.RaisedAt),
        }));
        return response;
    }

    public const int MaxAcknowledged = 10_000;

    public override async Task<V1.ReconciliationReport> Reconcile(ReconcileRequest request, ServerCallContext context)
    {
        context.Require(ParticipantRole.Auditor);
        if (request.AcknowledgedPayoutIds.Count > MaxAcknowledged)
            throw Check.Invalid($"at most {MaxAcknowledged} acknowledged payout ids per call");
        foreach (var id in request.AcknowledgedPayoutIds)
            if (string.IsNullOrEmpty(id) || id.Length > 200) throw Check.Invalid("acknowledged payout ids must be 1-200 characters");

        var report = await reconciliation.RunAsync(topology.Regions, request.AcknowledgedPayoutIds, context.CancellationToken);
        var reply = new V1.ReconciliationReport
        {
            Passed = report.Passed,
            CheckedAt = Timestamp.FromDateTimeOffset(report.CheckedAt),
            Payouts = report.Payouts,
            TotalPaid = ProtoMapping.Money(report.TotalPaid, policies.Currency),
        };
        reply.Checks.AddRange(report.Checks.Select(c => new V1.ReconciliationCheck { Name = c.Name, Passed = c.Passed, Detail = c.Detail }));
        return reply;
    }
}
