using FloorPay.Grains;
using FloorPay.V1;
using Google.Protobuf.WellKnownTypes;

namespace FloorPay.Gateway.Services;

public sealed class CitizensService(IGrainFactory grains, FloorPayTopology topology) : Citizens.CitizensBase
{
    public override async Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var (citizenId, command) = Commands.Enroll(request, bank, topology);
        var result = (await grains.Citizen(citizenId).Enroll(command)).Value();
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
        var citizenId = Check.CitizenId(request.CitizenId);
        if (!System.Enum.IsDefined(request.PayoutKind)) throw Check.Invalid($"payout_kind {(int)request.PayoutKind} is not a known payout kind");

        var s = (await grains.Citizen(citizenId).GetStatement(new StatementQuery(caller.BankId))).Value();
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
        statement.Appeals.AddRange(s.Appeals.Select(a => ProtoMapping.Appeal(a, s.Currency)));
        if (s.PendingAccount is { } pending)
        {
            statement.PendingAccount = ProtoMapping.Account(pending.Account);
            statement.PendingAccountEffectiveAt = Timestamp.FromDateTimeOffset(pending.EffectiveAt);
        }
        statement.AccountNeedsUpdate = s.AccountNeedsUpdate;
        statement.Instructions.AddRange(s.Instructions.Select(i => ProtoMapping.Instruction(i, s.Currency)));
        return statement;
    }

    public override async Task<AccountChange> ChangePayoutAccount(ChangePayoutAccountRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var citizenId = Check.CitizenId(request.CitizenId);
        if (request.Account is null) throw Check.Invalid("account is required");
        var account = new Grains.PayoutAccount(Check.Id(request.Account.BankId, "account.bank_id"), Check.AccountToken(request.Account.AccountToken, "account.account_token"));
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        if (account.BankId != bank.BankId)
            throw new RpcException(new Status(StatusCode.PermissionDenied, "a bank can move payouts only to an account it holds"));
        var receipt = (await grains.Citizen(citizenId).ChangePayoutAccount(new ChangeAccountCommand(account, key, bank.BankId!))).Value();
        return ProtoMapping.AccountChange(receipt);
    }

    public override async Task<AccountRelease> ReleaseAccountHolder(ReleaseAccountHolderRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var citizenId = Check.CitizenId(request.CitizenId);
        var toBank = Check.Id(request.ToBankId, "to_bank_id");
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var r = (await grains.Citizen(citizenId).ReleaseAccountHolder(new ReleaseAccountCommand(toBank, key, bank.BankId!))).Value();
        return new AccountRelease
        {
            ReleaseId = r.ReleaseId, CitizenId = r.CitizenId, FromBankId = r.FromBankId, ToBankId = r.ToBankId,
            ReleasedAt = Timestamp.FromDateTimeOffset(r.ReleasedAt), ExpiresAt = Timestamp.FromDateTimeOffset(r.ExpiresAt), Replayed = r.Replayed,
        };
    }
}
