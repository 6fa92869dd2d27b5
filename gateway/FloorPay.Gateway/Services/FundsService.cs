using FloorPay.Grains;
using FloorPay.V1;
using Google.Protobuf.WellKnownTypes;

namespace FloorPay.Gateway.Services;

public sealed class FundsService(IGrainFactory grains, FloorPayTopology topology, PolicyBook policies, PeriodClock clock)
    : Funds.FundsBase
{
    private static readonly TimeSpan FinalizationWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(1);

    public override async Task<V1.InflowReceipt> RecordInflow(RecordInflowRequest request, ServerCallContext context)
    {
        var treasury = context.Require(ParticipantRole.Treasury);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var fundId = Check.Fund(request.FundId, topology);
        var source = Check.Id(request.Source, "source");
        var amount = Check.Amount(request.Amount, policies.Currency, "amount");
        var reference = Check.Id(request.Reference, "reference");
        var r = (await grains.GetGrain<IFundGrain>(fundId).RecordInflow(new InflowCommand(key, source, amount, reference, treasury.Id))).Value();
        return new V1.InflowReceipt
        {
            InflowId = r.InflowId,
            FundId = fundId,
            Source = r.Source,
            Amount = ProtoMapping.Money(r.Amount, policies.Currency),
            Reference = r.Reference,
            BalanceAfter = ProtoMapping.Money(r.BalanceAfter, policies.Currency),
            RecordedAt = Timestamp.FromDateTimeOffset(r.RecordedAt),
            Replayed = r.Replayed,
        };
    }

    public override async Task<V1.DividendDeclaration> DeclareDividend(DeclareDividendRequest request, ServerCallContext context)
    {
        var treasury = context.Require(ParticipantRole.Treasury);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var fundId = Check.Fund(request.FundId, topology);
        var total = Check.Amount(request.Total, policies.Currency, "total");
        var fund = grains.GetGrain<IFundGrain>(fundId);
        return await DeclarationAsync(() => fund.DeclareDividend(new DeclareDividendCommand(key, total, treasury.Id)), context);
    }

    public override async Task<V1.DividendDeclaration> ApproveDividend(ApproveDividendRequest request, ServerCallContext context)
    {
        var treasury = context.Require(ParticipantRole.Treasury);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var fundId = Check.Fund(request.FundId, topology);
        var proposalId = Check.Id(request.ProposalId, "proposal_id");
        var fund = grains.GetGrain<IFundGrain>(fundId);
        return await DeclarationAsync(() => fund.ApproveDividend(new ApproveDividendCommand(key, proposalId, treasury.Id)), context);
    }

    /// <summary>Sends the command, then resends it until the share is final (a grace after the cutoff); a proposal is answered at once.</summary>
    private async Task<V1.DividendDeclaration> DeclarationAsync(Func<Task<Outcome<DividendReceipt>>> send, ServerCallContext context)
    {
        var first = (await send()).Value();
        var d = first;
        var giveUp = clock.Now + FinalizationWait;
        while (!d.AwaitsApproval && !d.Final && clock.Now < giveUp)
        {
            var wait = d.FinalizesAt - clock.Now;
            await Task.Delay(wait < MinPoll ? MinPoll : wait > MaxPoll ? MaxPoll : wait, context.CancellationToken);
            d = (await send()).Value();
        }
        var declaration = new V1.DividendDeclaration
        {
            Sequence = d.Sequence,
            Total = ProtoMapping.Money(d.TotalAmount, policies.Currency),
            EligibleCount = d.EligibleCount,
            PerCapita = ProtoMapping.Money(d.PerCapita, policies.Currency),
            Remainder = ProtoMapping.Money(d.Remainder, policies.Currency),
            CumulativeIndex = d.CumulativeIndex,
            DeclaredAt = d.Final ? Timestamp.FromDateTimeOffset(d.DeclaredAt) : null,
            Replayed = first.Replayed,
            EligibleBefore = d.AwaitsApproval ? null : Timestamp.FromDateTimeOffset(d.EligibleBefore),
            Final = d.Final,
            FinalizesAt = d.AwaitsApproval ? null : Timestamp.FromDateTimeOffset(d.FinalizesAt),
            AwaitsApproval = d.AwaitsApproval,
        };
        if (d.Proposal is { } p)
        {
            declaration.ProposalId = p.ProposalId;
            declaration.ProposedBy = p.ProposedBy;
            declaration.ProposalExpiresAt = Timestamp.FromDateTimeOffset(p.ExpiresAt);
            declaration.ApprovedBy = p.ApprovedBy ?? "";
        }
        return declaration;
    }

    public override async Task<V1.Fund> GetFund(GetFundRequest request, ServerCallContext context)
    {
        context.Require(ParticipantRole.Treasury, ParticipantRole.Auditor);
        var fundId = Check.Fund(request.FundId, topology);
        var s = await grains.GetGrain<IFundGrain>(fundId).GetSummary();
        var fund = new V1.Fund
        {
            FundId = s.FundId,
            Inflows = ProtoMapping.Money(s.Inflows, s.Currency),
            FloorOutflows = ProtoMapping.Money(s.FloorOutflows, s.Currency),
            DividendOutflows = ProtoMapping.Money(s.DividendOutflows, s.Currency),
            Balance = ProtoMapping.Money(s.Balance, s.Currency),
            EnrolledCount = s.EnrolledCount,
            DividendsDeclared = ProtoMapping.Money(s.DividendsDeclared, s.Currency),
            DividendIndex = s.DividendIndex,
            LowRunwayAlert = s.LowRunwayAlert,
            PolicyVersion = s.PolicyVersion,
            AvailableForDividends = ProtoMapping.Money(s.AvailableForDividends, s.Currency),
        };
        if (s.RunwayPeriods is { } runway) fund.RunwayPeriods = runway;
        return fund;
    }
}
