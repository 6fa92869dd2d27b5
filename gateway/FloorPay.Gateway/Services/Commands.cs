using FloorPay.Grains;

namespace FloorPay.Gateway.Services;

/// <summary>Requests validated into grain commands: shared by the single calls and the bulk envelopes.</summary>
internal static class Commands
{
    public static (string CitizenId, EnrollCommand Command) Enroll(V1.EnrollRequest request, Participant bank, FloorPayTopology topology)
    {
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var citizenId = Check.CitizenId(request.CitizenId);
        if (request.PayoutAccount is null) throw Check.Invalid("payout_account is required");
        var bankId = Check.Id(request.PayoutAccount.BankId, "payout_account.bank_id");
        var token = Check.AccountToken(request.PayoutAccount.AccountToken, "payout_account.account_token");
        var region = Check.Region(request.RegionId, topology);
        if (bankId != bank.BankId) throw new RpcException(new Status(StatusCode.PermissionDenied, "a bank can enroll only accounts it holds"));
        return (citizenId, new EnrollCommand(key, region, new PayoutAccount(bankId, token), bank.BankId!));
    }

    public static (string CitizenId, FloorPayoutCommand Command) FloorPayout(V1.FloorPayoutRequest request, Participant bank, PeriodClock clock)
    {
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var citizenId = Check.CitizenId(request.CitizenId);
        var period = Check.OptionalPeriod(request.Period, clock);
        return (citizenId, new FloorPayoutCommand(key, period, bank.BankId!));
    }
}
