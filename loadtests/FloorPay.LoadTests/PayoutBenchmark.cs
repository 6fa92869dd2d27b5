using FloorPay.LoadTests.Runner;
using FloorPay.LoadTests.Scenarios;
using FloorPay.V1;

namespace FloorPay.LoadTests;

/// <summary>
/// The payout benchmark of docs/benchmarks.md, run by the load runner (no engine of its own): each request enrolls a new
/// citizen, which pays the current period's floor and is answered only after the ledger commit. Runs: a fixed arrival
/// rate (open model, latency from each request's intended start), N clients as fast as the server answers (closed
/// model: the capacity), and optionally bulk envelopes. Each run prints one Markdown table row.
/// </summary>
public sealed class PayoutBenchmark(GrpcChannel channel, string apiKey, string bankId)
{
    public const string Header = """
        | run | model | ok | failed | dropped | payouts/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | runner send lag p99 ms |
        |---|---|---|---|---|---|---|---|---|---|---|---|
        """;

    // Every run enrolls citizens of its own (a target names them by its run id): no run replays another's.
    private FloorPayTarget NewTarget() => new(channel, apiKey, bankId, "dev-auditor", "dev-treasury");

    private static readonly ScenarioParameters Patient = new(new Dictionary<string, string> { ["deadline-ms"] = "30000" });

    /// <summary>The enrollment-surge scenario without its closing integrity check, which would load the measured node.</summary>
    private Scenario Enrollments()
    {
        var surge = FloorPayScenarios.Create("enrollment-surge", NewTarget(), Patient);
        return new Scenario(surge.Name, surge.Steps);
    }

    public async Task<string> OpenAsync(string name, int ratePerSecond, TimeSpan duration, TimeSpan warmUp, int maxInFlight)
    {
        var result = await new LoadRunner(Enrollments(), new RunSettings
        {
            Phases = [new InjectRate(ratePerSecond, warmUp + duration)], WarmUp = warmUp, MaxInFlight = maxInFlight,
        }).RunAsync();
        return Row(name, $"open, {ratePerSecond}/s", result.All, 1, result.StartLag?.P99Ms.ToString("F1", CultureInfo.InvariantCulture) ?? "-");
    }

    public async Task<string> ClosedAsync(string name, int clients, TimeSpan duration, TimeSpan warmUp)
    {
        var result = await new LoadRunner(Enrollments(), new RunSettings { Phases = [new KeepClients(clients, warmUp + duration)], WarmUp = warmUp })
            .RunAsync();
        return Row(name, $"closed, {clients} clients", result.All, 1, "-");
    }

    /// <summary>Closed model over bulk envelopes of <paramref name="envelopeSize"/> enrollments: counts are items, latency is per envelope.</summary>
    public async Task<string> BulkAsync(string name, int clients, int envelopeSize, TimeSpan duration, TimeSpan warmUp)
    {
        var target = NewTarget();
        var bulk = new Bulk.BulkClient(channel);
        var policy = await new Policies.PoliciesClient(channel).GetPolicyAsync(new GetPolicyRequest(), target.Bank);
        if (policy.FirstPayout != "full") throw new InvalidOperationException("the bulk benchmark needs a policy whose first payout is full");
        var scenario = new Scenario("bulk-enrollment", [new Step("envelope", async (context, cancellation) =>
        {
            var envelope = new EnrollEnvelope { EnvelopeId = $"env-{target.Run}-{context.Number}", ControlCount = envelopeSize };
            for (var i = 0; i < envelopeSize; i++)
                envelope.Items.Add(target.NewEnrollment(context.Number * envelopeSize + i, FloorPayTarget.Regions[i % 4]));
            envelope.ControlAmount = new Money { MinorUnits = policy.FloorAmount.MinorUnits * envelopeSize, Currency = policy.Currency };
            try
            {
                var result = await bulk.EnrollBatchAsync(envelope, target.Bank, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: cancellation);
                return result.Failed == 0 ? StepOutcome.Success : new StepOutcome("PARTIAL", false);
            }
            catch (RpcException e) { return FloorPayTarget.Outcome(e); }
        })]);
        var run = await new LoadRunner(scenario, new RunSettings { Phases = [new KeepClients(clients, warmUp + duration)], WarmUp = warmUp }).RunAsync();
        return Row(name, $"bulk, {clients} clients × {envelopeSize} items", run.All, envelopeSize, "-");
    }

    private static string Row(string name, string model, StepStatistics s, int itemsPerRequest, string sendLagP99)
    {
        string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
        return $"| {name} | {model} | {s.Ok * itemsPerRequest} | {s.Failed * itemsPerRequest} | {s.Dropped * itemsPerRequest} | " +
               $"{(s.OkPerSecond * itemsPerRequest).ToString("F0", CultureInfo.InvariantCulture)} | {Ms(s.PercentileMs(50))} | {Ms(s.PercentileMs(90))} | " +
               $"{Ms(s.PercentileMs(99))} | {Ms(s.PercentileMs(99.9))} | {Ms(s.MaxMs)} | {sendLagP99} |";
    }
}
