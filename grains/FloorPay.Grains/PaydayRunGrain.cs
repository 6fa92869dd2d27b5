using System.Diagnostics;
using FloorPay.Domain.Citizens;

namespace FloorPay.Grains;

/// <summary>
/// Pays a period's floor to every citizen enrolled before it, slice by slice (one slice per hash bucket, so every slice
/// mixes all regions and banks and the banks see a steady flow), at a configured rate. Each step reads one page of a
/// slice from the ledger, posts the payouts (each with its instruction) through the group-commit ledger, then
/// checkpoints the slice's cursor. A crash between posting and checkpoint replays that page: the ledger's unique key
/// per (citizen, kind, period) refuses the second payout, which is counted as already paid.
/// </summary>
public sealed class PaydayRunGrain(
    [PersistentState("payday", StorageNames.State)] IPersistentState<PaydayRunState> state,
    IEnrollmentRoll roll,
    IPayoutLedger ledger,
    PolicyBook policies,
    PeriodClock clock,
    PaydayOptions options,
    IEnrollmentSeals seals,
    ILogger<PaydayRunGrain> log) : Grain, IPaydayRunGrain
{
    // A key no caller can send (callers' keys never contain '/'), so it cannot collide with a bank's own request.
    private string IdempotencyKey => $"payday/{this.GetPrimaryKeyString()}";

    private PaydayRunState S => state.State;
    private IGrainTimer? _timer;
    private long _lastStep;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Started && S.FinishedAt is null) StartTimer();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StopTimer(); // an unfinished run moves with its next activation: it is no longer in progress here
        return Task.CompletedTask;
    }

    public async Task<PaydayProgress> EnsureRunning()
    {
        if (!clock.TryParse(this.GetPrimaryKeyString(), out var period) || period > clock.Current) return Progress();
        if (!S.Started)
        {
            // Seal the period's start before reading a page: every enrollment stamped before it has committed (and is in
            // the pages) or will be refused and resent, stamped in this period, which its enrollment pays. None is missed.
            await seals.SealAsync($"payday:{period}", new DateTimeOffset(period.Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            S.Started = true;
            S.StartedAt = clock.Now;
            S.Slices = Enumerable.Range(0, CitizenBuckets.Count).Select(b => new PaydaySlice { Bucket = b }).ToList();
            await state.WriteOrReloadAsync();
            log.LogInformation("payday run {Period} started: {Slices} slices at {Rate}/s", period, S.Slices.Count, options.RatePerSecond);
        }
        if (S.FinishedAt is null) StartTimer();
        return Progress();
    }

    public Task<PaydayProgress> ResumeIfStarted()
    {
        if (S.Started && S.FinishedAt is null) StartTimer();
        return Task.FromResult(Progress());
    }

    public Task<PaydayProgress> GetProgress() => Task.FromResult(Progress());

    private void StartTimer()
    {
        if (_timer is not null) return;
        FloorPayMeters.PaydayRunsInProgress.Add(1);
        _lastStep = Stopwatch.GetTimestamp();
        _timer = this.RegisterGrainTimer(StepAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = options.TickInterval,
            KeepAlive = true,
        });
    }

    private void StopTimer()
    {
        if (_timer is null) return;
        _timer.Dispose();
        _timer = null;
        FloorPayMeters.PaydayRunsInProgress.Add(-1);
    }

    private async Task StepAsync(CancellationToken cancellation)
    {
        if (S.FinishedAt is not null) return;
        var period = Period.Parse(this.GetPrimaryKeyString(), clock.Length);
        // The budget follows elapsed time, so a slow step is made up by the next one and the rate holds on average.
        var elapsed = Stopwatch.GetElapsedTime(_lastStep);
        _lastStep = Stopwatch.GetTimestamp();
        var budget = (int)Math.Clamp(options.RatePerSecond * elapsed.TotalSeconds, 1, options.PageSize * 4.0);
        try
        {
            while (budget > 0 && !cancellation.IsCancellationRequested)
            {
                var slice = NextOpenSlice();
                if (slice is null) break;
                var limit = Math.Min(options.PageSize, budget);
                var now = clock.Now;
                var page = await roll.PageAsync(slice.Bucket, slice.AfterCitizenId, period.ToString(), now, limit, cancellation);
                var postings = page.Select(c => CitizenDecisions.RollFloor(c.CitizenId, c.RegionId, c.Account.BankId, c.Account.AccountToken, period,
                    policies, IdempotencyKey, period.ToString(), now)).ToList();
                var results = await Task.WhenAll(postings.Select(p => ledger.AppendAsync([p])));
                for (var i = 0; i < postings.Count; i++)
                {
                    if (results[i] == PostingResult.Committed)
                    {
                        slice.Paid++;
                        slice.Amount += postings[i].Amount;
                    }
                    else slice.AlreadyPaid++;
                }
                FloorPayMeters.PaydayCitizensPaid.Add(results.Count(r => r == PostingResult.Committed));
                FloorPayMeters.PaydayCitizensAlreadyPaid.Add(results.Count(r => r != PostingResult.Committed));
                if (page.Count > 0) slice.AfterCitizenId = page[^1].CitizenId;
                if (page.Count < limit)
                {
                    slice.Done = true;
                    FloorPayMeters.PaydaySlicesDone.Add(1);
                }
                S.NextSlice = (S.Slices.IndexOf(slice) + 1) % S.Slices.Count;
                budget -= Math.Max(page.Count, 1);
                await state.WriteOrReloadAsync(); // the checkpoint
            }
            if (S.Slices.All(s => s.Done))
            {
                S.FinishedAt = clock.Now;
                await state.WriteOrReloadAsync();
                StopTimer();
                var p = Progress();
                log.LogInformation("payday run {Period} completed: {Paid} paid, {Already} already paid, in {Seconds:0.0} s", period, p.CitizensPaid,
                    p.CitizensAlreadyPaid, (S.FinishedAt - S.StartedAt)?.TotalSeconds);
            }
        }
        catch (Exception e) when (e is LedgerUnavailableException or System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            // Nothing past the last checkpoint is lost: the next step resumes from it.
            log.LogWarning(e, "payday run {Period} step failed; resuming from the last checkpoint", period);
        }
    }

    private PaydaySlice? NextOpenSlice()
    {
        for (var i = 0; i < S.Slices.Count; i++)
        {
            var slice = S.Slices[(S.NextSlice + i) % S.Slices.Count];
            if (!slice.Done) return slice;
        }
        return null;
    }

    private PaydayProgress Progress() => new(
        this.GetPrimaryKeyString(),
        S.FinishedAt is not null ? PaydayStatus.Completed : S.Started ? PaydayStatus.Running : PaydayStatus.NotStarted,
        S.Slices.Count,
        S.Slices.Count(s => s.Done),
        S.Slices.Sum(s => s.Paid),
        S.Slices.Sum(s => s.AlreadyPaid),
        S.Slices.Sum(s => s.Amount),
        policies.Currency,
        S.StartedAt,
        S.FinishedAt,
        options.RatePerSecond);
}
