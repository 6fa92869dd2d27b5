namespace FloorPay.LoadTests.Runner;

/// <summary>What one step of an iteration reports: a status name ("OK", a gRPC status, …) and whether it succeeded.</summary>
public readonly record struct StepOutcome(string Status, bool Ok)
{
    public static readonly StepOutcome Success = new("OK", true);
}

/// <summary>A named step: one request (or a few) of an iteration.</summary>
public sealed record Step(string Name, Func<IterationContext, CancellationToken, Task<StepOutcome>> Run);

/// <summary>Per-iteration data shared by its steps (e.g. the citizen the first step enrolled).</summary>
public sealed class IterationContext(long number)
{
    public long Number { get; } = number;
    public Dictionary<string, object> Items { get; } = [];
}

/// <summary>
/// A scenario: named steps run in order for each iteration, optional set-up before the load, and an integrity check
/// after it whose failure fails the run.
/// </summary>
public sealed class Scenario(string name, IReadOnlyList<Step> steps)
{
    public string Name { get; } = name;
    public IReadOnlyList<Step> Steps { get; } = steps;
    public Func<CancellationToken, Task>? Setup { get; init; }
    public Func<CancellationToken, Task<IntegrityResult>>? Integrity { get; init; }

    /// <summary>The load this scenario runs when the command line gives no --phase (e.g. a replayed timeline).</summary>
    public IReadOnlyList<LoadPhase>? DefaultPhases { get; init; }
}

public sealed record IntegrityResult(bool Passed, IReadOnlyList<string> Details);
