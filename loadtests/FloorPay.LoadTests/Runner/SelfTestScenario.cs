namespace FloorPay.LoadTests.Runner;

/// <summary>
/// A scenario with no server, to check the runner itself: each request takes "sleep-ms", fails with probability
/// "fail-rate", and, once, everything in flight and arriving stalls from "stall-at-s" for "stall-ms" (a server pause).
/// </summary>
public static class SelfTestScenario
{
    public static Scenario Create(ScenarioParameters p)
    {
        var sleep = TimeSpan.FromMilliseconds(p.Number("sleep-ms", 2));
        var failRate = p.Number("fail-rate", 0);
        var stallAt = TimeSpan.FromSeconds(p.Number("stall-at-s", -1));
        var stallFor = TimeSpan.FromMilliseconds(p.Number("stall-ms", 0));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(7);
        return new Scenario("self-test", [new Step("request", async (_, cancellation) =>
        {
            var now = clock.Elapsed;
            // A stalled server answers nothing until the stall ends.
            if (stallFor > TimeSpan.Zero && stallAt >= TimeSpan.Zero && now >= stallAt && now < stallAt + stallFor)
                await Task.Delay(stallAt + stallFor - now, cancellation);
            await Task.Delay(sleep, cancellation);
            bool fail;
            lock (random) fail = random.NextDouble() < failRate;
            return fail ? new StepOutcome("Unavailable", false) : StepOutcome.Success;
        })])
        {
            // The stall is timed from the start of the load, not from when the scenario was built.
            Setup = _ => { clock.Restart(); return Task.CompletedTask; },
        };
    }
}
