using FloorPay.Grains;
using FloorPay.V1;

namespace FloorPay.Gateway.Services;

public sealed class PayoutsService(IGrainFactory grains, PeriodClock clock) : Payouts.PayoutsBase
{
    public override async Task<V1.PayoutReceipt> RequestFloorPayout(FloorPayoutRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var (citizenId, command) = Commands.FloorPayout(request, bank, clock);
        var receipt = (await grains.Citizen(citizenId).RequestFloorPayout(command)).Value();
        return ProtoMapping.Receipt(receipt);
    }

    public override async Task<V1.PayoutReceipt> ClaimDividends(ClaimDividendsRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var key = Check.Id(request.IdempotencyKey, "idempotency_key");
        var citizenId = Check.CitizenId(request.CitizenId);
        var receipt = (await grains.Citizen(citizenId)
            .ClaimDividends(new ClaimDividendsCommand(key, bank.BankId!))).Value();
        return ProtoMapping.Receipt(receipt);
    }
}
