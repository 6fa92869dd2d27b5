using FloorPay.Grains;
using FloorPay.V1;
using Google.Protobuf.WellKnownTypes;

namespace FloorPay.Gateway.Services;

public sealed class PaydayRunsService(IGrainFactory grains, PeriodClock clock) : PaydayRuns.PaydayRunsBase
{
    public override async Task<PaydayRun> GetPaydayRun(GetPaydayRunRequest request, ServerCallContext context)
    {
        context.Require(ParticipantRole.Treasury, ParticipantRole.Auditor);
        var period = RequiredPeriod(request.Period);
        return Map(await grains.GetGrain<IPaydayRunGrain>(period).GetProgress());
    }

    public override async Task<PaydayRun> StartPaydayRun(StartPaydayRunRequest request, ServerCallContext context)
    {
        context.Require(ParticipantRole.Treasury);
        var period = RequiredPeriod(request.Period);
        if (Period.Parse(period, clock.Length) > clock.Current)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"period {period} has not started yet (current: {clock.Current})"));
        return Map(await grains.GetGrain<IPaydayRunGrain>(period).EnsureRunning());
    }

    private string RequiredPeriod(string? text) =>
        Check.OptionalPeriod(text, clock) ?? throw Check.Invalid("period is required");

    private static PaydayRun Map(PaydayProgress p)
    {
        var run = new PaydayRun
        {
            Period = p.Period,
            Status = p.Status switch { PaydayStatus.Running => "RUNNING", PaydayStatus.Completed => "COMPLETED", _ => "NOT_STARTED" },
            SlicesTotal = p.SlicesTotal,
            SlicesDone = p.SlicesDone,
            CitizensPaid = p.CitizensPaid,
            CitizensAlreadyPaid = p.CitizensAlreadyPaid,
            AmountPaid = ProtoMapping.Money(p.AmountPaid, p.Currency),
            RatePerSecond = p.RatePerSecond,
        };
        if (p.StartedAt is { } started) run.StartedAt = Timestamp.FromDateTimeOffset(started);
        if (p.FinishedAt is { } finished) run.FinishedAt = Timestamp.FromDateTimeOffset(finished);
        return run;
    }
}
