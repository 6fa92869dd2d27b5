using FloorPay.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FloorPay.Gateway.Services;

/// <summary>
/// The open instruction streams of this gateway (native and JSON alike): their own bounds, per bank and overall, apart
/// from the unary calls' admission, and one watcher for the whole silo that reads every bank's latest sequence once a
/// tick (only while a stream is open) and wakes just the streams of banks that advanced, so that an idle stream costs
/// no query of its own.
/// </summary>
public sealed class InstructionStreams(IInstructionOutbox outbox, InstructionStreamOptions options, AdmissionOptions admission,
    ILogger<InstructionStreams> log) : BackgroundService
{
    internal sealed class Bank
    {
        public int Open;
        public long Seen = -1; // nothing seen yet: the first reading wakes the streams once, in case it is news to them
        public TaskCompletionSource Advanced = Signal();
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
        private int _closed;

        internal Subscription(InstructionStreams owner, string bankId, Bank bank) => (_owner, _bankId, _bank) = (owner, bankId, bank);

        /// <summary>Completes when the watcher next sees the bank's sequence move (a commit on any silo).</summary>
        public Task NextAdvance()
        {
            lock (_owner._lock) return _bank.Advanced.Task;
        }

        /// <summary>The bank's latest sequence as the watcher last read it (-1 before its first reading).</summary>
        public long LatestSeen
        {
            get { lock (_owner._lock) return _bank.Seen; }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0) _owner.Close(_bankId, _bank);
        }
    }

    /// <summary>Takes a place for a stream of <paramref name="bankId"/>, or refuses with RESOURCE_EXHAUSTED and a retry-after hint.</summary>
    public Subscription Open(string bankId)
    {
        lock (_lock)
        {
            var bank = _banks.GetValueOrDefault(bankId);
            string? refusal = null;
            if (_open >= options.MaxStreams) refusal = "streams";
            else if (bank?.Open >= options.MaxStreamsPerBank) refusal = "streams_per_bank";
            if (refusal is null)
            {
                if (bank is null) _banks[bankId] = bank = new Bank();
                bank.Open++;
                _open++;
                return new Subscription(this, bankId, bank);
            }
            GatewayMeters.Refusals.Add(1, new KeyValuePair<string, object?>("reason", refusal));
            var retry = admission.RetryAfterMilliseconds.ToString(CultureInfo.InvariantCulture);
            var why = refusal == "streams" ? "this gateway has as many instruction streams open as it allows"
                : $"this bank has {options.MaxStreamsPerBank} instruction streams open here already";
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{why}; retry after {retry} ms, from the last sequence received"),
                new Metadata { { "grpc-retry-pushback-ms", retry }, { "floorpay-retry-after-ms", retry } });
        }
    }

    private void Close(string bankId, Bank bank)
    {
        lock (_lock)
        {
            _open--;
            if (--bank.Open == 0) _banks.Remove(bankId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            lock (_lock)
                if (_open == 0) continue;
            IReadOnlyDictionary<string, long> latest;
            try
            {
                latest = await outbox.LatestSequencesAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The streams keep waiting; this silo's own commits still wake them, and the next tick tries again.
                log.LogWarning(e, "could not read the banks' latest instruction sequences");
                continue;
            }
            lock (_lock)
            {
                foreach (var bank in _banks)
                {
                    if (!latest.TryGetValue(bank.Key, out var sequence) || sequence == bank.Value.Seen) continue;
                    bank.Value.Seen = sequence;
                    var advanced = bank.Value.Advanced;
                    bank.Value.Advanced = Signal();
                    advanced.TrySetResult();
                }
            }
        }
    }

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
