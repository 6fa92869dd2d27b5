using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FloorPay.Grains;

/// <summary>
/// Carries aggregate changes from citizens to regions and funds in batches, off the payout path: a citizen only
/// enqueues (no await), and a background loop sends one numbered delta per target per flush. A delta that fails to
/// send is retried with the same sequence number, which the receiver applies once. Deltas not yet sent when a silo
/// crashes are lost; aggregates are therefore reconcilable from the citizens' durable records, never the only copy.
/// </summary>
public sealed class AggregateFeed(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<AggregateFeed> log) : BackgroundService, IPendingAggregates
{
    private readonly ConcurrentQueue<FeedEvent> _events = new();
    private readonly Dictionary<string, Queue<(string Target, AggregateDelta Delta)>> _unsent = [];
    private readonly Dictionary<string, long> _sequences = [];
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly string _feedId = $"feed-{Guid.NewGuid():N}";

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    private abstract record FeedEvent(string RegionId);
    private sealed record EnrolledEvent(string RegionId) : FeedEvent(RegionId);
    private sealed record PaidEvent(string RegionId, PayoutKind Kind, string Period, long Amount) : FeedEvent(RegionId);
    private sealed record ContributedEvent(string RegionId, string Category, long Minutes) : FeedEvent(RegionId);

    public void Enrolled(string regionId) => _events.Enqueue(new EnrolledEvent(regionId));

    public void Paid(string regionId, PayoutKind kind, string period, long amount) => _events.Enqueue(new PaidEvent(regionId, kind, period, amount));

    public void Contributed(string regionId, string category, long minutes) => _events.Enqueue(new ContributedEvent(regionId, category, minutes));

    /// <summary>Sends everything enqueued so far; returns false when a target could not be reached (it stays queued).</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellation = default)
    {
        await _flushLock.WaitAsync(cancellation);
        try
        {
            Seal();
            var sends = _unsent.Select(kv => SendAllAsync(kv.Key, kv.Value));
            var results = await Task.WhenAll(sends);
            return results.All(ok => ok);
        }
        finally
        {
            _flushLock.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await HostStarted.WaitAsync(lifetime, stoppingToken)) return;
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try { await FlushAsync(stoppingToken); }
                catch (OperationCanceledException) { throw; }
                catch (Exception e) { log.LogWarning(e, "aggregate feed flush failed; it will be retried"); }
            }
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await FlushAsync(cancellationToken); }
        catch (Exception e) { log.LogWarning(e, "final aggregate feed flush failed"); }
    }

    /// <summary>Drains the event queue into one numbered delta per target.</summary>
    private void Seal()
    {
        var builders = new Dictionary<string, DeltaBuilder>();
        while (_events.TryDequeue(out var e))
        {
            Builder(builders, $"region/{e.RegionId}").Add(e);
            if (e is EnrolledEvent or PaidEvent) Builder(builders, $"fund/{IFundGrain.National}").Add(e);
        }
        foreach (var (target, builder) in builders)
        {
            var sequence = _sequences[target] = _sequences.GetValueOrDefault(target) + 1;
            if (!_unsent.TryGetValue(target, out var queue)) _unsent[target] = queue = new();
            queue.Enqueue((target, builder.Build(_feedId, sequence)));
        }
    }

    private static DeltaBuilder Builder(Dictionary<string, DeltaBuilder> builders, string target) =>
        builders.TryGetValue(target, out var b) ? b : builders[target] = new DeltaBuilder();

    private async Task<bool> SendAllAsync(string target, Queue<(string Target, AggregateDelta Delta)> queue)
    {
        while (queue.TryPeek(out var next))
        {
            try
            {
                var (kind, key) = (target[..target.IndexOf('/')], target[(target.IndexOf('/') + 1)..]);
                if (kind == "region") await grains.GetGrain<IRegionGrain>(key).Apply(next.Delta);
                else await grains.GetGrain<IFundGrain>(key).Apply(next.Delta);
                queue.Dequeue();
            }
            catch (Exception e)
            {
                log.LogWarning(e, "could not deliver aggregate delta {Sequence} to {Target}", next.Delta.Sequence, target);
                return false;
            }
        }
        return true;
    }

    private sealed class DeltaBuilder
    {
        private long _enrollments;
        private readonly Dictionary<(PayoutKind, string), (long Count, long Amount)> _payouts = [];
        private readonly Dictionary<string, long> _minutes = [];

        public void Add(FeedEvent e)
        {
            switch (e)
            {
                case EnrolledEvent: _enrollments++; break;
                case PaidEvent p:
                    var (count, amount) = _payouts.GetValueOrDefault((p.Kind, p.Period));
                    _payouts[(p.Kind, p.Period)] = (count + 1, checked(amount + p.Amount));
                    break;
                case ContributedEvent c: _minutes[c.Category] = _minutes.GetValueOrDefault(c.Category) + c.Minutes; break;
            }
        }

        public AggregateDelta Build(string feedId, long sequence) => new(
            feedId,
            sequence,
            _enrollments,
            _payouts.Select(kv => new PayoutTally(kv.Key.Item1, kv.Key.Item2, kv.Value.Count, kv.Value.Amount)).ToList(),
            new Dictionary<string, long>(_minutes));
    }
}
