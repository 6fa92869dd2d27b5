namespace FloorPay.Grains;

/// <summary>
/// The payday run of one period (key: the period, e.g. "2026-12"): pays every citizen enrolled before the period its
/// floor, once, without any request. Progress is checkpointed per slice (region × hash bucket), so a run resumes after
/// a crash where it stopped; the ledger's unique key per (citizen, period) keeps a resumed page from paying twice.
/// </summary>
[Alias("floorpay.IPaydayRunGrain")]
public interface IPaydayRunGrain : IGrainWithStringKey
{
    /// <summary>Starts the run, or resumes it, unless it is complete. Idempotent: every silo's scheduler calls it.</summary>
    [Alias("EnsureRunning")]
    Task<PaydayProgress> EnsureRunning();

    /// <summary>Resumes the run if it was started and is not complete; never starts one. The schedulers call it for past periods.</summary>
    [Alias("ResumeIfStarted")]
    Task<PaydayProgress> ResumeIfStarted();

    [Alias("GetProgress"), AlwaysInterleave]
    Task<PaydayProgress> GetProgress();
}

public enum PaydayStatus
{
    NotStarted = 0,
    Running = 1,
    Completed = 2,
}

[GenerateSerializer, Immutable, Alias("floorpay.PaydayProgress")]
public sealed record PaydayProgress(
    [property: Id(0)] string Period,
    [property: Id(1)] PaydayStatus Status,
    [property: Id(2)] int SlicesTotal,
    [property: Id(3)] int SlicesDone,
    [property: Id(4)] long CitizensPaid,
    [property: Id(5)] long CitizensAlreadyPaid,
    [property: Id(6)] long AmountPaid,
    [property: Id(7)] string Currency,
    [property: Id(8)] DateTimeOffset? StartedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] int RatePerSecond);
