using FloorPay.Domain;
using FloorPay.Gateway.Auth;
using FloorPay.Grains;
using FloorPay.V1;
using Grpc.Core;

namespace FloorPay.Gateway.Services;

/// <summary>
/// Envelopes of up to <see cref="MaxItems"/> items. Everything is checked before anything runs: every item's format
/// and ownership, one item per citizen, and the control totals; any problem refuses the whole envelope. Then the
/// ordinary items are posted to the ledger together (<see cref="IBulkPostingGrain"/>); the others run like the single
/// call through their citizen grains (their own key, their own result), a bounded number at a time.
/// </summary>
public sealed class BulkService(IGrainFactory grains, FloorPayTopology topology, PolicyBook policies, PeriodClock clock) : Bulk.BulkBase
{
    public const int MaxItems = 1000;
    private const int Parallelism = 64;

    public override async Task<EnvelopeResult> EnrollBatch(EnrollEnvelope envelope, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var commands = Items(envelope.EnvelopeId, envelope.Items, item => Commands.Enroll(item, bank, topology), c => c.CitizenId);
        // What enrolling pays now: the floor of the current period, or its pro-rated part.
        var period = clock.Current;
        var (each, _) = FloorEntitlement.AtEnrollment(policies.For(period), period, clock.Now);
        CheckControls(envelope.ControlCount, envelope.ControlAmount, commands.Count, each.MinorUnits * commands.Count);

        var fast = await grains.GetGrain<IBulkPostingGrain>(0).EnrollMany(commands.Select(c => new CitizenEnrollment(c.CitizenId, c.Command)).ToList());
        return await RunAsync(envelope.EnvelopeId, commands, fast, c => c.CitizenId, async c =>
            (await grains.GetGrain<ICitizenGrain>(c.CitizenId).Enroll(c.Command)).Value().FirstPayout, context.CancellationToken);
    }

    public override async Task<EnvelopeResult> RequestFloorPayoutBatch(FloorPayoutEnvelope envelope, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var commands = Items(envelope.EnvelopeId, envelope.Items, item => Commands.FloorPayout(item, bank, clock),
            c => $"{c.CitizenId}|{c.Command.Period ?? clock.Current.ToString()}");
        var expected = commands.Sum(c => policies.For(c.Command.Period is { } p ? Period.Parse(p, clock.Length) : clock.Current).FloorAmount);
        CheckControls(envelope.ControlCount, envelope.ControlAmount, commands.Count, expected);

        var fast = await grains.GetGrain<IBulkPostingGrain>(0).PayFloorMany(commands.Select(c => new CitizenFloorPayout(c.CitizenId, c.Command)).ToList());
        return await RunAsync(envelope.EnvelopeId, commands, fast, c => c.CitizenId, async c =>
            (await grains.GetGrain<ICitizenGrain>(c.CitizenId).RequestFloorPayout(c.Command)).Value(), context.CancellationToken);
    }

    private static List<T> Items<TRequest, T>(string envelopeId, IList<TRequest> items, Func<TRequest, T> validate, Func<T, string> uniqueBy)
    {
        Check.Id(envelopeId, "envelope_id");
        if (items.Count == 0) throw Check.Invalid("an envelope needs at least one item");
        if (items.Count > MaxItems) throw Check.Invalid($"an envelope holds at most {MaxItems} items");
        var commands = new List<T>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            try { commands.Add(validate(items[i])); }
            catch (RpcException e)
            {
                // The whole envelope is refused, naming the item, with the item's own status.
                throw new RpcException(new Status(e.StatusCode, $"item {i}: {e.Status.Detail}; nothing in the envelope was done"));
            }
        }
        var duplicate = commands.GroupBy(uniqueBy).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw Check.Invalid($"the envelope has more than one item for {duplicate.Key.Split('|')[0]}; nothing was done");
        return commands;
    }

    private void CheckControls(int controlCount, V1.Money? controlAmount, int count, long amount)
    {
        if (controlAmount is null || controlAmount.Currency != policies.Currency)
            throw Check.Invalid($"control_amount is required, in {policies.Currency}");
        if (controlCount != count || controlAmount.MinorUnits != amount)
            throw Check.Invalid($"control totals do not match: {count} items paying {amount} minor units, the envelope says " +
                                $"{controlCount} items and {controlAmount.MinorUnits}; nothing was done");
    }

    /// <param name="fast">What the fast path already posted, per item; the other items run through their citizen grains.</param>
    private async Task<EnvelopeResult> RunAsync<T>(string envelopeId, List<T> commands, IReadOnlyList<Grains.PayoutReceipt?> fast,
        Func<T, string> citizenOf, Func<T, Task<Grains.PayoutReceipt>> run, CancellationToken cancellation)
    {
        var results = new EnvelopeItemResult[commands.Count];
        for (var i = 0; i < commands.Count; i++)
            if (fast[i] is { } posted)
                results[i] = new EnvelopeItemResult { Index = i, CitizenId = citizenOf(commands[i]), StatusCode = 0, Receipt = ProtoMapping.Receipt(posted) };
        using var gate = new SemaphoreSlim(Parallelism);
        await Task.WhenAll(commands.Select(async (command, i) =>
        {
            if (results[i] is not null) return;
            await gate.WaitAsync(cancellation);
            try
            {
                var receipt = await run(command);
                results[i] = new EnvelopeItemResult { Index = i, CitizenId = citizenOf(command), StatusCode = 0, Receipt = ProtoMapping.Receipt(receipt) };
            }
            catch (RpcException e)
            {
                results[i] = new EnvelopeItemResult { Index = i, CitizenId = citizenOf(command), StatusCode = (int)e.StatusCode, StatusMessage = e.Status.Detail };
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // As the single call would answer an infrastructure failure: retry the item with the same key.
                results[i] = new EnvelopeItemResult
                {
                    Index = i, CitizenId = citizenOf(command), StatusCode = (int)StatusCode.Unavailable,
                    StatusMessage = "temporarily unavailable; nothing was acknowledged, retry with the same idempotency key",
                };
            }
            finally { gate.Release(); }
        }));
        var reply = new EnvelopeResult
        {
            EnvelopeId = envelopeId,
            Succeeded = results.Count(r => r.StatusCode == 0),
            Failed = results.Count(r => r.StatusCode != 0),
            TotalPaid = ProtoMapping.Money(results.Where(r => r.StatusCode == 0).Sum(r => r.Receipt.Amount.MinorUnits), policies.Currency),
        };
        reply.Items.AddRange(results);
        return reply;
    }
}
