using Orleans.Runtime;
using System.Diagnostics;
using FloorPay.Gateway;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace FloorPay.Silo;

/// <summary>
/// After each of this silo's commits, publishes the banks' latest sequences on their Orleans streams, so that open
/// instruction streams on every silo list at once instead of polling. Coalesced per bank: while a bank's notice is on its
/// way, later commits only raise the sequence the next one carries, so a surge costs at most one publish in flight per
/// bank, none sooner than half a notice-queue period after the last (the queues are read no more often), and the commit
/// path never waits for one. A silo alone in its cluster publishes nothing (its own commits wake
/// its streams directly) until another silo joins; then it announces every bank's latest sequence once.
/// </summary>
public sealed class InstructionNoticePublisher(IClusterClient cluster, GroupCommitLedger ledger, IClusterMembershipService? membership,
    InstructionStreamOptions options, ILogger<InstructionNoticePublisher> log) : IHostedService
{
    private readonly TimeSpan _spacing = options.NoticeQueuePeriod / 2;

    private sealed class Bank(IAsyncStream<InstructionNotice> stream)
    {
        public readonly IAsyncStream<InstructionNotice> Stream = stream;
        public long Latest;
        public long Published;
        public bool Sending;
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bank> _banks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _watching = Task.CompletedTask;
    private long _failures;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ledger.InstructionsCommitted += Committed;
        if (membership is not null) _watching = Task.Run(() => WatchMembershipAsync(membership, _stopping.Token));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ledger.InstructionsCommitted -= Committed;
        await _stopping.CancelAsync();
        await _watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Committed(IReadOnlyDictionary<string, long> latest)
    {
        var alone = membership is not null && Peers(membership.CurrentSnapshot) <= 0;
        lock (_lock)
        {
            foreach (var (bankId, sequence) in latest)
            {
                if (!_banks.TryGetValue(bankId, out var bank))
                    _banks[bankId] = bank = new Bank(cluster.GetStreamProvider(InstructionNotice.Provider)
                        .GetStream<InstructionNotice>(StreamId.Create(InstructionNotice.Namespace, bankId)));
                bank.Latest = Math.Max(bank.Latest, sequence);
                if (!alone) Send(bankId, bank);
            }
        }
    }

    private void Send(string bankId, Bank bank)
    {
        if (bank.Sending) return;
        bank.Sending = true;
        _ = Task.Run(() => SendAsync(bankId, bank));
    }

    private static int Peers(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Count(m => m.Status is SiloStatus.Active or SiloStatus.Joining) - 1;

    /// <summary>When silos join, announce every bank's latest sequence again: they may have missed what was not published.</summary>
    private async Task WatchMembershipAsync(IClusterMembershipService members, CancellationToken stopping)
    {
        var peers = Peers(members.CurrentSnapshot);
        try
        {
            await foreach (var snapshot in members.MembershipUpdates.WithCancellation(stopping))
            {
                var now = Peers(snapshot);
                if (now > peers)
                    lock (_lock)
                        foreach (var (bankId, bank) in _banks)
                        {
                            bank.Published = 0;
                            Send(bankId, bank);
                        }
                peers = now;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
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
            var started = Stopwatch.GetTimestamp();
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
            bool more;
            lock (_lock)
            {
                bank.Published = Math.Max(bank.Published, sequence);
                more = bank.Latest > bank.Published;
            }
            if (more && _spacing - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } wait) await Task.Delay(wait);
        }
    }
}
