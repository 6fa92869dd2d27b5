using FloorPay.Grains;
using FloorPay.V1;
using Google.Protobuf;
using System.Security.Cryptography;

namespace FloorPay.Gateway.Services;

/// <summary>
/// Envelopes of up to <see cref="MaxItems"/> items. Everything is checked before anything runs: every item's format
/// and ownership, one item per citizen, and the control totals; any problem refuses the whole envelope and records
/// nothing. Then the envelope id is claimed, per bank, for this content (<see cref="IEnvelopeBook"/>), the ordinary
/// items are posted to the ledger together (<see cref="IBulkPostingGrain"/>), the others run like the single call
/// through their citizen grains (their own key, their own result), and the results are kept. A resend of the same
/// content replays them (without checking the totals again: they were checked once, at the price of that moment); the
/// same id with other content is ALREADY_EXISTS and changes nothing.
/// </summary>
public sealed class BulkService(IGrainFactory grains, FloorPayTopology topology, PolicyBook policies, PeriodClock clock, IEnvelopeBook book)
    : Bulk.BulkBase
{
    public const int MaxItems = 1000;
    private const int Parallelism = 64;

    public override async Task<EnvelopeResult> EnrollBatch(EnrollEnvelope envelope, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var commands = Items(envelope.EnvelopeId, envelope.Items, item => Commands.Enroll(item, bank, topology), c => c.CitizenId);
        var citizen = (Func<(string CitizenId, EnrollCommand Command), Task<Grains.PayoutReceipt>>)(async c =>
            (await grains.Citizen(c.CitizenId).Enroll(c.Command)).Value().FirstPayout);
        return await RecordedAsync("enroll", envelope, envelope.EnvelopeId, bank, commands, c => c.CitizenId, citizen, async () =>
        {
            // What enrolling pays at this instant: the floor of its period, or the pro-rated part. Every item is priced at
            // it, whichever path posts it, so the envelope pays exactly the totals checked here.
            var pricedAt = clock.Now;
            var period = Period.Containing(pricedAt, clock.Length);
            var (each, _) = FloorEntitlement.AtEnrollment(policies.For(period), period, pricedAt);
            CheckControls(envelope.ControlCount, envelope.ControlAmount, commands.Count, each.MinorUnits * commands.Count);
            var priced = commands.Select(c => (c.CitizenId, Command: c.Command with { PricedAt = pricedAt })).ToList();
            return (pricedAt, async () =>
            {
                var fast = await grains.GetGrain<IBulkPostingGrain>(0).EnrollMany(priced.Select(c => new CitizenEnrollment(c.CitizenId, c.Command)).ToList(), pricedAt);
                return await RunAsync(priced, fast, c => c.CitizenId, citizen, context.CancellationToken);
            });
        }, context.CancellationToken);
    }

    public override async Task<EnvelopeResult> RequestFloorPayoutBatch(FloorPayoutEnvelope envelope, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank);
        var current = clock.Current;
        // An item without a period means the current period as of this check, wherever its posting lands.
        var commands = Items(envelope.EnvelopeId, envelope.Items, item => Commands.FloorPayout(item, bank, clock), c => $"{c.CitizenId}|{c.Command.Period ?? current.ToString()}")
            .Select(c => (c.CitizenId, Command: c.Command with { DefaultPeriod = current.ToString() })).ToList();
        var citizen = (Func<(string CitizenId, FloorPayoutCommand Command), Task<Grains.PayoutReceipt>>)(async c =>
            (await grains.Citizen(c.CitizenId).RequestFloorPayout(c.Command)).Value());
        return await RecordedAsync("floor-payout", envelope, envelope.EnvelopeId, bank, commands, c => c.CitizenId, citizen, () =>
        {
            var expected = commands.Sum(c => policies.For(c.Command.Period is { } p ? Period.Parse(p, clock.Length) : current).FloorAmount);
            CheckControls(envelope.ControlCount, envelope.ControlAmount, commands.Count, expected);
            return Task.FromResult<(DateTimeOffset, Func<Task<EnvelopeResult>>)>((clock.Now, async () =>
            {
                var fast = await grains.GetGrain<IBulkPostingGrain>(0).PayFloorMany(commands.Select(c => new CitizenFloorPayout(c.CitizenId, c.Command)).ToList());
                return await RunAsync(commands, fast, c => c.CitizenId, citizen, context.CancellationToken);
            }));
        }, context.CancellationToken);
    }

    /// <param name="check">Checks the totals (throwing to refuse, recording nothing) and returns the claim's instant and the first run.</param>
    /// <param name="citizen">Runs one item through its citizen grain, as the single call does (a resend re-runs failed items so).</param>
    private async Task<EnvelopeResult> RecordedAsync<T>(string kind, IMessage envelope, string envelopeId, Participant bank, List<T> commands,
        Func<T, string> citizenOf, Func<T, Task<Grains.PayoutReceipt>> citizen, Func<Task<(DateTimeOffset At, Func<Task<EnvelopeResult>> Run)>> check,
        CancellationToken cancellation)
    {
        var scope = bank.BankId!;
        var fingerprint = Convert.ToHexString(SHA256.HashData(envelope.ToByteArray())).ToLowerInvariant();
        var recorded = await book.FindAsync(scope, envelopeId, cancellation);
        if (recorded is null)
        {
            var (at, run) = await check();
            recorded = await book.ClaimAsync(scope, envelopeId, kind, fingerprint, at, cancellation);
            if (recorded is null)
            {
                var result = await run();
                result.EnvelopeId = envelopeId;
                await book.SaveResultAsync(scope, envelopeId, result.ToByteArray(), clock.Now, cancellation);
                return result;
            }
        }
        if (recorded.Kind != kind || recorded.Fingerprint != fingerprint)
            throw new RpcException(new Status(StatusCode.AlreadyExists,
                $"envelope_id {envelopeId} was already used by this bank for a different envelope; nothing was done"));

        // A replay: the recorded results, with the items that had failed retryably (or all, if the first run never
        // saved its results) run again through their citizen grains, each with its own key.
        var stored = recorded.Result is { } bytes ? EnvelopeResult.Parser.ParseFrom(bytes) : null;
        var final = new EnvelopeItemResult?[commands.Count];
        foreach (var item in (IEnumerable<EnvelopeItemResult>?)stored?.Items ?? [])
            if (item.Index >= 0 && item.Index < commands.Count && !Retryable((StatusCode)item.StatusCode)) final[item.Index] = item;
        var rerun = Enumerable.Range(0, commands.Count).Where(i => final[i] is null).ToList();
        var fresh = rerun.Count == 0 ? null
            : await RunAsync(rerun.Select(i => commands[i]).ToList(), new Grains.PayoutReceipt?[rerun.Count], citizenOf, citizen, cancellation);
        for (var j = 0; j < rerun.Count; j++) final[rerun[j]] = fresh!.Items[j].Clone();
        for (var i = 0; i < commands.Count; i++) final[i]!.Index = i;
        var reply = Summarize(envelopeId, final!);
        if (fresh is not null) await book.SaveResultAsync(scope, envelopeId, reply.ToByteArray(), clock.Now, cancellation);
        foreach (var item in reply.Items.Where(r => r.StatusCode == 0 && r.Receipt is not null)) item.Receipt.Replayed = true;
        reply.Replayed = true;
        return reply;
    }

    private static bool Retryable(StatusCode code) => code is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded
        or StatusCode.Aborted or StatusCode.Cancelled or StatusCode.Internal or StatusCode.Unknown;

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
    private async Task<EnvelopeResult> RunAsync<T>(List<T> commands, IReadOnlyList<Grains.PayoutReceipt?> fast,
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
        return Summarize("", results);
    }

    private EnvelopeResult Summarize(string envelopeId, IReadOnlyList<EnvelopeItemResult> results)
    {
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
