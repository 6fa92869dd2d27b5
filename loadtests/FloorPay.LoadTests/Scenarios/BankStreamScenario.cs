using System.Collections.Concurrent;
using HdrHistogram;
using FloorPay.V1;

namespace FloorPay.LoadTests.Scenarios;

/// <summary>
/// Commit → bank delivery: citizens enroll at the injected rate while one bank stream (SubscribeInstructions, on the
/// "stream-address" node, by default the target) receives their payouts' instructions. Delivery latency is measured
/// from each enrollment's acknowledgement (sent right after its commit) to its instruction's arrival on the stream; with
/// the stream on another silo it crosses the cluster. Fails if an acknowledged payout never reaches the stream.
/// </summary>
public static class BankStreamScenario
{
    public static Scenario Create(FloorPayTarget target, ScenarioParameters p)
    {
        var citizens = new Citizens.CitizensClient(target.Channel);
        var streamChannel = p.Text("stream-address", "") is { Length: > 0 } address ? GrpcChannel.ForAddress(address) : target.Channel;
        var instructions = new Instructions.InstructionsClient(streamChannel);
        var grace = TimeSpan.FromSeconds(p.Number("grace-s", 10));
        var acknowledged = new ConcurrentDictionary<string, long>(StringComparer.Ordinal); // instruction id → ack timestamp
        var delivered = new ConcurrentDictionary<string, long>(StringComparer.Ordinal); // instruction id → arrival timestamp
        var stopping = new CancellationTokenSource();
        Task? subscriber = null;

        return new Scenario("bank-stream", [new Step("enroll", async (context, cancellation) =>
        {
            try
            {
                var response = await citizens.EnrollAsync(target.NewEnrollment(context.Number, FloorPayTarget.Regions[context.Number % 4]), target.Bank,
                    deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellation);
                acknowledged[response.FirstPayout.PayoutId] = Stopwatch.GetTimestamp();
                target.Acknowledged[response.FirstPayout.PayoutId] = response.CitizenId;
                return StepOutcome.Success;
            }
            catch (RpcException e) { return FloorPayTarget.Outcome(e); }
        })])
        {
            Setup = async cancellation =>
            {
                // Start at the bank's head, so that the backlog is not counted as latency.
                var head = 0L;
                while (true)
                {
                    var page = await instructions.ListInstructionsAsync(new ListInstructionsRequest { AfterSequence = head, PageSize = 1000 }, target.Bank,
                        deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellation);
                    if (page.Instructions.Count == 0) break;
                    head = page.NextAfterSequence;
                }
                var call = instructions.SubscribeInstructions(new SubscribeInstructionsRequest { AfterSequence = head }, target.Bank,
                    cancellationToken: stopping.Token);
                // The first message (a heartbeat, the stream being caught up) shows it is open before the load starts.
                if (!await call.ResponseStream.MoveNext(cancellation)) throw new InvalidOperationException("the instruction stream closed at once");
                subscriber = Task.Run(async () =>
                {
                    try
                    {
                        while (await call.ResponseStream.MoveNext(stopping.Token))
                            if (call.ResponseStream.Current.Instruction is { } i) delivered.TryAdd(i.InstructionId, Stopwatch.GetTimestamp());
                    }
                    catch (RpcException) when (stopping.IsCancellationRequested) { }
                    catch (OperationCanceledException) { }
                    finally { call.Dispose(); }
                });
                Console.Error.WriteLine($"bank-stream: stream open at sequence {head} on {streamChannel.Target}");
            },
            Integrity = async cancellation =>
            {
                var waited = Stopwatch.StartNew();
                while (acknowledged.Keys.Any(id => !delivered.ContainsKey(id)) && waited.Elapsed < grace) await Task.Delay(50, cancellation);
                await stopping.CancelAsync();
                if (subscriber is not null) await subscriber;
                // Recorded as the runner records step latencies (µs, HdrHistogram); an arrival before its ack counts as 0.
                var latencies = new LongHistogram(Runner.Recorder.MaxMicros, 3);
                var early = 0;
                foreach (var (id, acked) in acknowledged)
                    if (delivered.TryGetValue(id, out var arrived))
                    {
                        if (arrived < acked) early++;
                        latencies.RecordValue(Math.Max(0, (long)Stopwatch.GetElapsedTime(acked, arrived).TotalMicroseconds));
                    }
                var missing = acknowledged.Count - latencies.TotalCount;
                var ledger = await target.ReconcileAsync(cancellation);
                string Ms(long micros) => latencies.TotalCount == 0 ? "-" : (micros / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
                var summary = $"commit → bank stream delivery (ack → arrival, ms): p50 {Ms(latencies.GetValueAtPercentile(50))}, " +
                              $"p99 {Ms(latencies.GetValueAtPercentile(99))}, max {Ms(latencies.GetMaxValue())} " +
                              $"over {latencies.TotalCount} instructions; {early} arrived before their acknowledgement (counted as 0)";
                var delivery = missing == 0
                    ? $"ok: every acknowledged payout reached the bank stream ({acknowledged.Count})"
                    : $"FAILED: {missing} of {acknowledged.Count} acknowledged payouts did not reach the bank stream within {grace.TotalSeconds:0} s after the load";
                return new IntegrityResult(ledger.Passed && missing == 0, [summary, delivery, .. ledger.Details]);
            },
        };
    }
}
