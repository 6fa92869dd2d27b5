using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace FloorPay.Silo;

/// <summary>
/// After each of this silo's commits, publishes the banks' latest sequences on their Orleans streams, so that open
/// instruction streams on every silo list at once instead of polling. Coalesced per bank: while a bank's notice is on its
/// way, later commits only raise the sequence the next one carries, so a surge costs at most one publish in flight per
/// bank, and the commit path never waits for one.
/// </summary>
public sealed class InstructionNoticePublisher(IClusterClient cluster, GroupCommitLedger ledger, ILogger<InstructionNoticePublisher> log)
    : IHostedService
{
    private sealed class Bank(IAsyncStream<InstructionNotice> stream)
    {
        public readonly IAsyncStream<InstructionNotice> Stream = stream;
        public long Latest;
        public long Published;
        public bool Sending;
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bank> _banks = new(StringComparer.Ordinal);
    private long _failures;

    /// <summary>Notices that could not be published (each is a delay for remote streams until the bank's next one, never a loss).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ledger.InstructionsCommitted += Committed;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        ledger.InstructionsCommitted -= Committed;
        return Task.CompletedTask;
    }

    private void Committed(IReadOnlyDictionary<string, long> latest)
    {
        lock (_lock)
        {
            foreach (var (bankId, sequence) in latest)
            {
                if (!_banks.TryGetValue(bankId, out var bank))
                    _banks[bankId] = bank = new Bank(cluster.GetStreamProvider(InstructionNotice.Provider)
                        .GetStream<InstructionNotice>(StreamId.Create(InstructionNotice.Namespace, bankId)));
                bank.Latest = Math.Max(bank.Latest, sequence);
                if (bank.Sending) continue;
                bank.Sending = true;
                _ = Task.Run(() => SendAsync(bankId, bank));
            }
        }
    }

    private async Task SendAsync(string bankId, Bank bank)
    {
        while (true)
        {
            long sequence;
            lock (_lock)
            {
                if (bank.Latest <= bank.Published)
                {
                    bank.Sending = false;
                    return;
                }
                sequence = bank.Latest;
            }
            try
            {
                await bank.Stream.OnNextAsync(new InstructionNotice(bankId, sequence));
            }
            catch (Exception e)
            {
                // Streams on other silos then see this bank's instructions at its next notice: a delay, never a loss.
                if (Interlocked.Increment(ref _failures) % 100 == 1)
                    log.LogWarning(e, "could not publish the instruction notice of bank {Bank} (sequence {Sequence})", bankId, sequence);
            }
            lock (_lock) bank.Published = Math.Max(bank.Published, sequence);
        }
    }
}
