using FloorPay.Domain;
using FloorPay.Gateway.Auth;
using FloorPay.Grains;
using FloorPay.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace FloorPay.Gateway.Services;

public sealed class FundsService(IGrainFactory grains, FloorPayTopology topology, PolicyBook policies, IPendingAggregates pending)
    : Funds.FundsBase
{
    public override async Task<V1.InflowReceipt> RecordInflow(RecordInflowRequest request, ServerCallContext context)
    {
        context.Require(ParticipantRole.Treasury);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var fundId = Check.Fund(request.FundId, topology);
        var source = Check.Id(request.Source, "source");
        var amount = Check.Amount(request.Amount, policies.Currency, "amount");
        var reference = Check.Id(request.Reference, "reference");
        var r = (await grains.GetGrain<IFundGrain>(fundId).RecordInflow(new InflowCommand(key, source, amount, reference))).Value();
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
        context.Require(ParticipantRole.Treasury);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var fundId = Check.Fund(request.FundId, topology);
        var total = Check.Amount(request.Total, policies.Currency, "total");
        // The eligible count comes from the fed aggregates: deliver this silo's pending enrollments first.
        await pending.FlushAsync(context.CancellationToken);
        var d = (await grains.GetGrain<IFundGrain>(fundId).DeclareDividend(new DeclareDividendCommand(key, total))).Value();
        return new V1.DividendDeclaration
        {
            Sequence = d.Sequence,
            Total = ProtoMapping.Money(d.TotalAmount, policies.Currency),
            EligibleCount = d.EligibleCount,
            PerCapita = ProtoMapping.Money(d.PerCapita, policies.Currency),
            Remainder = ProtoMapping.Money(d.Remainder, policies.Currency),
            CumulativeIndex = d.CumulativeIndex,
            DeclaredAt = Timestamp.FromDateTimeOffset(d.DeclaredAt),
            Replayed = d.Replayed,
            EligibleBefore = Timestamp.FromDateTimeOffset(d.EligibleBefore),
        };
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
        };
        if (s.RunwayPeriods is { } runway) fund.RunwayPeriods = runway;
        return fund;
    }
}
