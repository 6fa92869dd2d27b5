using FloorPay.Domain;
using FloorPay.Gateway.Auth;
using FloorPay.Grains;
using FloorPay.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace FloorPay.Gateway.Services;

public sealed class CitizensService(IGrainFactory grains, FloorPayTopology topology) : Citizens.CitizensBase
{
    public override async Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var (citizenId, command) = Commands.Enroll(request, bank, topology);
        var result = (await grains.GetGrain<ICitizenGrain>(citizenId).Enroll(command)).Value();
        return new EnrollResponse
        {
            CitizenId = result.CitizenId,
            RegionId = result.RegionId,
            EnrolledAt = Timestamp.FromDateTimeOffset(result.EnrolledAt),
            FirstPayout = ProtoMapping.Receipt(result.FirstPayout),
            Replayed = result.Replayed,
        };
    }

    public override async Task<Statement> GetStatement(GetStatementRequest request, ServerCallContext context)
    {
        var caller = context.Require(ParticipantRole.Bank, ParticipantRole.Reviewer);
        var citizenId = Check.Id(request.CitizenId, "citizen_id");
        if (!System.Enum.IsDefined(request.PayoutKind)) throw Check.Invalid($"payout_kind {(int)request.PayoutKind} is not a known payout kind");

        var s = (await grains.GetGrain<ICitizenGrain>(citizenId).GetStatement(new StatementQuery(caller.BankId))).Value();
        var statement = new Statement
        {
            CitizenId = s.CitizenId,
            RegionId = s.RegionId,
            PayoutAccount = new V1.PayoutAccount { BankId = s.Account.BankId, AccountToken = s.Account.AccountToken },
            EnrolledAt = Timestamp.FromDateTimeOffset(s.EnrolledAt),
            Active = s.Active,
            DividendsAccrued = ProtoMapping.Money(s.DividendsAccrued, s.Currency),
            DividendsPaid = ProtoMapping.Money(s.DividendsPaid, s.Currency),
        };
        statement.Payouts.AddRange(s.Payouts
            .Where(p => request.PayoutKind == V1.PayoutKind.Unspecified || ProtoMapping.Kind(p.Kind) == request.PayoutKind)
            .Select(ProtoMapping.Receipt));
        statement.Contributions.AddRange(s.Contributions.Select(c =>
        {
            var period = new ContributionPeriod
            {
                Period = c.Period, TotalMinutes = c.TotalMinutes, QuotaMinutes = c.QuotaMinutes, StandingReasonCode = c.StandingReasonCode,
            };
            foreach (var (k, v) in c.MinutesByCategory) period.MinutesByCategory[k] = v;
            return period;
        }));
        statement.Exemptions.AddRange(s.Exemptions.Select(ProtoMapping.Receipt));
        statement.Appeals.AddRange(s.Appeals.Select(ProtoMapping.Appeal));
        return statement;
    }
}
