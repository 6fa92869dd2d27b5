using FloorPay.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace FloorPay.Gateway.Services;

/// <summary>
/// The open instruction streams of this gateway (native and JSON alike): their own bounds, per bank and overall, apart
/// from the unary calls' admission, and one Orleans stream subscription per bank with open streams here, through which
/// every silo's commits for that bank wake them (<see cref="InstructionNotice"/>). An idle stream costs no query. A
/// single node runs without notices: its own commits wake its streams.
/// </summary>
public sealed class InstructionStreams(IClusterClient cluster, InstructionStreamOptions options, AdmissionOptions admission,
    ILogger<InstructionStreams> log) : BackgroundService
{
    private readonly IStreamProvider? _notices = cluster.ServiceProvider.GetKeyedService<IStreamProvider>(InstructionNotice.Provider);

    internal sealed class Bank(IAsyncStream<InstructionNotice>? notices)
    {
        public readonly IAsyncStream<InstructionNotice>? Notices = notices;
        public int Open;
        public long Seen = -1; // no notice yet
        public int Resyncs; // times the subscription was found lost and renewed: notices may have been missed
        public TaskCompletionSource Advanced = Signal();
        public Task<StreamSubscriptionHandle<InstructionNotice>?> Listening = Task.FromResult<StreamSubscriptionHandle<InstructionNotice>?>(null);
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bank> _banks = new(StringComparer.Ordinal);
    private int _open;

    /// <summary>A stream's place: dispose it when the stream ends.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly InstructionStreams _owner;
        private readonly string _bankId;
        private readonly Bank _bank;
        private int _resyncsSeen;
        private int _closed;

        internal Subscription(InstructionStreams owner, string bankId, Bank bank) =>
            (_owner, _bankId, _bank, _resyncsSeen) = (owner, bankId, bank, bank.Resyncs);

        /// <summary>Completes at the bank's next notice (a commit on any silo) or when its subscription had to be renewed.</summary>
        public Task NextAdvance()
        {
            lock (_owner._lock) return _bank.Advanced.Task;
        }

        /// <summary>The bank's latest sequence as its notices told (-1 before the first one).</summary>
        public long LatestSeen
        {
            get { lock (_owner._lock) return _bank.Seen; }
        }

        /// <summary>True once after the bank's subscription was renewed: notices may have been lost, so list.</summary>
        public bool TakeResync()
        {
            lock (_owner._lock)
            {
                if (_resyncsSeen == _bank.Resyncs) return false;
                _resyncsSeen = _bank.Resyncs;
                return true;
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0) _owner.Close(_bankId, _bank);
        }
    }

    /// <summary>
    /// Takes a place for a stream of <paramref name="bankId"/> once the bank's notices reach this silo (so nothing
    /// committed after the stream's first list goes unnoticed), or refuses with RESOURCE_EXHAUSTED and a retry-after hint.
    /// </summary>
    public async Task<Subscription> OpenAsync(string bankId, CancellationToken cancellation)
    {
        Subscription subscription;
        Task listening;
        lock (_lock)
        {
            var bank = _banks.GetValueOrDefault(bankId);
            string? refusal = null;
            if (_open >= options.MaxStreams) refusal = "streams";
            else if (bank?.Open >= options.MaxStreamsPerBank) refusal = "streams_per_bank";
            if (refusal is not null) throw Refused(refusal);
            if (bank is null)
            {
                _banks[bankId] = bank = new Bank(_notices?.GetStream<InstructionNotice>(StreamId.Create(InstructionNotice.Namespace, bankId)));
                bank.Listening = ListenAsync(bankId, bank);
            }
            bank.Open++;
            _open++;
            subscription = new Subscription(this, bankId, bank);
            listening = bank.Listening;
        }
        try
        {
            await listening.WaitAsync(cancellation);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
        return subscription;
    }

    private RpcException Refused(string refusal)
    {
        GatewayMeters.Refusals.Add(1, new KeyValuePair<string, object?>("reason", refusal));
        var retry = admission.RetryAfterMilliseconds.ToString(CultureInfo.InvariantCulture);
        var why = refusal == "streams" ? "this gateway has as many instruction streams open as it allows"
            : $"this bank has {options.MaxStreamsPerBank} instruction streams open here already";
        return new RpcException(new Status(StatusCode.ResourceExhausted, $"{why}; retry after {retry} ms, from the last sequence received"),
            new Metadata { { "grpc-retry-pushback-ms", retry }, { "floorpay-retry-after-ms", retry } });
    }

    private async Task<StreamSubscriptionHandle<InstructionNotice>?> ListenAsync(string bankId, Bank bank)
    {
        if (bank.Notices is null) return null;
        try
        {
            return await bank.Notices.SubscribeAsync((notice, _) =>
            {
                Noticed(bank, notice.LatestSequence);
                return Task.CompletedTask;
            });
        }
        catch (Exception e)
        {
            // The streams still see this silo's own commits; the next check subscribes again.
            log.LogWarning(e, "could not subscribe to the instruction notices of bank {Bank}", bankId);
            return null;
        }
    }

    private void Noticed(Bank bank, long sequence)
    {
        lock (_lock)
        {
            if (sequence <= bank.Seen) return;
            bank.Seen = sequence;
            Wake(bank);
        }
    }

    private static void Wake(Bank bank)
    {
        var advanced = bank.Advanced;
        bank.Advanced = Signal();
        advanced.TrySetResult();
    }

    private void Close(string bankId, Bank bank)
    {
        Task<StreamSubscriptionHandle<InstructionNotice>?> listening;
        lock (_lock)
        {
            _open--;
            if (--bank.Open > 0) return;
            _banks.Remove(bankId);
            listening = bank.Listening;
        }
        _ = StopListeningAsync(bankId, listening);
    }

    private async Task StopListeningAsync(string bankId, Task<StreamSubscriptionHandle<InstructionNotice>?> listening)
    {
        try
        {
            if (await listening is { } handle) await handle.UnsubscribeAsync();
        }
        catch (Exception e)
        {
            // A subscription left behind only costs a delivery per notice until its silo leaves the cluster.
            log.LogDebug(e, "could not unsubscribe from the instruction notices of bank {Bank}", bankId);
        }
    }

    /// <summary>
    /// Subscriptions live in the cluster's memory: one whose keeper died is gone. Check each bank's on an interval (a
    /// grain call, no database query), renew a lost one and wake its streams to list once, in case a notice was missed.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_notices is null) return;
        using var timer = new PeriodicTimer(options.NoticeCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            List<(string Id, Bank Bank)> banks;
            lock (_lock) banks = _banks.Select(b => (b.Key, b.Value)).ToList();
            foreach (var (id, bank) in banks)
            {
                try
                {
                    var handle = await bank.Listening;
                    if (handle is not null && (await bank.Notices!.GetAllSubscriptionHandles()).Any(h => h.HandleId == handle.HandleId)) continue;
                    var renewed = ListenAsync(id, bank);
                    if (await renewed is null) continue;
                    bool current;
                    lock (_lock)
                    {
                        current = _banks.GetValueOrDefault(id) == bank;
                        if (current)
                        {
                            bank.Listening = renewed;
                            bank.Resyncs++;
                            Wake(bank);
                        }
                    }
                    // The bank's last stream closed meanwhile: its old subscription is being dropped, drop this one too.
                    if (!current)
                    {
                        await StopListeningAsync(id, renewed);
                        continue;
                    }
                    log.LogInformation("renewed the instruction notice subscription of bank {Bank}", id);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(e, "could not check the instruction notice subscription of bank {Bank}", id);
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        List<(string Id, Bank Bank)> banks;
        lock (_lock) banks = _banks.Select(b => (b.Key, b.Value)).ToList();
        await Task.WhenAll(banks.Select(b => StopListeningAsync(b.Id, b.Bank.Listening)));
    }

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
