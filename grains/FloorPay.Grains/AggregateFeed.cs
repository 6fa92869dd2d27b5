using System.Collections.Concurrent;

namespace FloorPay.Grains;

/// <summary>
/// Carries contribution minutes from citizens to their regions in batches, off the write path: a citizen only enqueues
/// (no await), and a loop sends one numbered delta per region per flush. A delta that fails to send is retried with the
/// same sequence number, which the region applies once. It runs in the silo's Active lifecycle stage, so a graceful stop
/// delivers the last deltas while the silo can still process them. Deltas not yet sent when a silo crashes are lost:
/// the contribution records in the ledger are the durable copy. (Payouts and enrollments are counted by the ledger
/// itself, in the committing transaction: see <see cref="ILedgerTallies"/>.)
/// </summary>
public sealed class AggregateFeed(IGrainFactory grains, ILogger<AggregateFeed> log)
    : IPendingAggregates, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ConcurrentQueue<ContributedEvent> _events = new();
    private readonly Dictionary<string, Queue<AggregateDelta>> _unsent = [];
    private readonly Dictionary<string, long> _sequences = [];
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly string _feedId = $"feed-{Guid.NewGuid():N}";
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    private sealed record ContributedEvent(string RegionId, string Category, long Minutes);

    public void Contributed(string regionId, string category, long minutes) => _events.Enqueue(new ContributedEvent(regionId, category, minutes));

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AggregateFeed), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellation)
    {
        _stopping = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellation)
    {
        _stopping?.Cancel();
        if (_loop is not null) await _loop;
        try
        {
            if (!await FlushAsync(cancellation)) log.LogWarning("some aggregate deltas could not be delivered before the silo stopped");
        }
        catch (Exception e) { log.LogWarning(e, "final aggregate feed flush failed"); }
    }

    /// <summary>Sends everything enqueued so far; returns false when a target could not be reached (it stays queued).</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellation = default)
    {
        await _flushLock.WaitAsync(cancellation);
        try
        {
            Seal();
            var results = await Task.WhenAll(_unsent.Select(kv => SendAllAsync(kv.Key, kv.Value)));
            return results.All(ok => ok);
        }
        finally
        {
            _flushLock.Release();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try { await FlushAsync(stopping); }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
                catch (Exception e) { log.LogWarning(e, "aggregate feed flush failed; it will be retried"); }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Drains the event queue into one numbered delta per target.</summary>
    private void Seal()
    {
        var builders = new Dictionary<string, DeltaBuilder>();
        while (_events.TryDequeue(out var e))
            (builders.TryGetValue(e.RegionId, out var b) ? b : builders[e.RegionId] = new DeltaBuilder()).Add(e);
        foreach (var (target, builder) in builders)
        {
            var sequence = _sequences[target] = _sequences.GetValueOrDefault(target) + 1;
            if (!_unsent.TryGetValue(target, out var queue)) _unsent[target] = queue = new();
            queue.Enqueue(builder.Build(_feedId, sequence));
        }
    }

    private async Task<bool> SendAllAsync(string regionId, Queue<AggregateDelta> queue)
    {
        while (queue.TryPeek(out var next))
        {
            try
            {
                await grains.GetGrain<IRegionGrain>(regionId).Apply(next);
                queue.Dequeue();
            }
            catch (Exception e)
            {
                log.LogWarning(e, "could not deliver aggregate delta {Sequence} to region {Region}", next.Sequence, regionId);
                return false;
            }
        }
        return true;
    }

    private sealed class DeltaBuilder
    {
        private readonly Dictionary<string, long> _minutes = [];

        public void Add(ContributedEvent c) => _minutes[c.Category] = _minutes.GetValueOrDefault(c.Category) + c.Minutes;

        public AggregateDelta Build(string feedId, long sequence) => new(feedId, sequence, new Dictionary<string, long>(_minutes));
    }
}
