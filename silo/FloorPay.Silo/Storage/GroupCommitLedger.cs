using System.Diagnostics;
using System.Threading.Channels;

namespace FloorPay.Silo.Storage;

/// <summary>
/// This silo's ledger writer. Postings from all citizens queue here; each writer loop takes whatever has queued
/// (up to <see cref="LedgerOptions.MaxBatch"/>) and commits it in one transaction, so under load many payouts share a
/// commit. Each caller is answered only after its batch committed. A failed batch fails exactly its callers, with
/// <see cref="LedgerUnavailableException"/>, and leaves nothing behind (the transaction rolled back).
/// Reads for activating citizens are grouped the same way: one query for all citizens waiting at that moment.
/// </summary>
public sealed class GroupCommitLedger : IPayoutLedger, IAsyncDisposable
{
    private readonly ILedgerStore _store;
    private readonly LedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger? _log;
    private readonly Channel<Pending> _queue;
    private readonly Channel<PendingRead> _reads;
    private readonly Task[] _readers;
    private readonly Task[] _writers;
    private readonly CancellationTokenSource _stopping = new();
    private static readonly TimeSpan SlowCommit = TimeSpan.FromMilliseconds(50);
    private long _batches;
    private long _postings;

    /// <summary>Entries that commit together or not at all (one entry, or e.g. an account change with its notice).</summary>
    /// <param name="Caller">The span of the call waiting for this unit (default when no tracer listens): the commit links to it.</param>
    private sealed record Pending(IReadOnlyList<JournalEntry> Entries, IReadOnlyList<string> Ids, TaskCompletionSource<PostingResult> Done,
        ActivityContext Caller)
    {
        public bool AllIn(HashSet<string> inserted) => Ids.All(inserted.Contains);

        public bool Partly(HashSet<string> inserted) => Ids.Any(inserted.Contains) && !AllIn(inserted);
    }

    private sealed record PendingRead(string CitizenId, TaskCompletionSource<CitizenHistory> Done);

    internal GroupCommitLedger(ILedgerStore store, LedgerOptions options, TimeProvider time, ILogger? log = null)
    {
        _log = log;
        _store = store;
        _options = options;
        _time = time;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.MaxQueued)
        {
            SingleReader = options.Writers == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writers = Enumerable.Range(0, options.Writers).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
        _reads = Channel.CreateBounded<PendingRead>(new BoundedChannelOptions(options.MaxQueued) { FullMode = BoundedChannelFullMode.Wait });
        _readers = Enumerable.Range(0, options.Writers).Select(_ => Task.Run(ReadLoopAsync)).ToArray();
    }

    /// <param name="time">The clock the grains stamp enrollments with (to enforce <see cref="LedgerOptions.MaxEnrollmentAge"/>).</param>
    public static GroupCommitLedger Create(StorageSettings storage, LedgerOptions options, TimeProvider? time = null, ILogger? log = null,
        string fundId = IFundGrain.National) =>
        new(storage.Provider == StorageProvider.Sqlite
                ? new SqliteLedgerStore(storage.EffectiveConnectionString, fundId)
                : PostgresLedgerStore.Open(storage.EffectiveConnectionString, fundId),
            storage.Provider == StorageProvider.Sqlite ? options with { Writers = 1 } : options,
            time ?? TimeProvider.System,
            log);

    /// <summary>Batches committed and postings in them since start: their ratio is the mean batch size.</summary>
    public (long Batches, long Postings) Counters => (Interlocked.Read(ref _batches), Interlocked.Read(ref _postings));

    public async Task<PostingResult> AppendAsync(IReadOnlyList<JournalEntry> entries)
    {
        if (entries.Count == 0) throw new ArgumentException("nothing to append", nameof(entries));
        using var span = FloorPayTracing.Source.StartActivity(FloorPayTracing.LedgerAppend);
        span?.SetTag("floorpay.ledger.entries", entries.Count);
        var pending = new Pending(entries, entries.Select(e => e.JournalId).ToList(),
            new TaskCompletionSource<PostingResult>(TaskCreationOptions.RunContinuationsAsynchronously), span?.Context ?? default);
        try
        {
            await _queue.Writer.WriteAsync(pending, _stopping.Token);
            var result = await pending.Done.Task;
            span?.SetTag("floorpay.ledger.result", result.ToString());
            return result;
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    /// <summary>Raised after a commit that gave these banks new instructions, with each bank's latest sequence (live push to subscribers).</summary>
    public event Action<IReadOnlyDictionary<string, long>>? InstructionsCommitted;

    public async Task<string?> CitizenHoldingKeyAsync(string scope, string key)
    {
        using var timeout = new CancellationTokenSource(_options.CommitTimeout);
        try { return await _store.CitizenHoldingKeyAsync(scope, key, timeout.Token); }
        catch (Exception e) when (e is DbException or OperationCanceledException)
        {
            throw new LedgerUnavailableException("the payout ledger could not be read", e);
        }
    }

    public async Task<CitizenHistory> ReadHistoryAsync(string citizenId, CancellationToken cancellation = default)
    {
        var pending = new PendingRead(citizenId, new TaskCompletionSource<CitizenHistory>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _reads.Writer.WriteAsync(pending, cancellation);
        return await pending.Done.Task.WaitAsync(cancellation);
    }

    private async Task ReadLoopAsync()
    {
        var batch = new List<PendingRead>(_options.MaxBatch);
        var reader = _reads.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatch && reader.TryRead(out var next)) batch.Add(next);
                if (batch.Count == 0) continue;
                try
                {
                    using var timeout = new CancellationTokenSource(_options.CommitTimeout);
                    var found = await _store.ReadCitizensAsync(batch.Select(r => r.CitizenId).Distinct().ToList(), timeout.Token);
                    foreach (var r in batch) r.Done.TrySetResult(found.GetValueOrDefault(r.CitizenId) ?? CitizenHistory.Empty);
                }
                catch (Exception e)
                {
                    var failure = new LedgerUnavailableException("the payout ledger could not be read", e);
                    foreach (var r in batch) r.Done.TrySetException(failure);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task WriteLoopAsync()
    {
        // The loop may have been started inside a call's span (a ledger created lazily): its commits must not join that trace.
        Activity.Current = null;
        var batch = new List<Pending>(_options.MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatch && reader.TryRead(out var next)) batch.Add(next);
                if (batch.Count == 0) continue;
                await CommitAsync(batch);
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        // An enrollment stamped too long ago is refused (retryable; the retry gets a fresh stamp): a dividend's eligible
        // count is taken a bounded time after its cutoff, and must not miss an enrollment stamped before it.
        var oldest = _time.GetUtcNow() - _options.MaxEnrollmentAge;
        var stale = batch.Where(p => p.Entries.Any(e => e is PayoutPosting { Enrollment: true } x && x.PaidAt < oldest)).ToList();
        if (stale.Count > 0)
        {
            var tooOld = new LedgerUnavailableException("the enrollment waited too long to be committed; nothing was written, retry with the same key");
            foreach (var p in stale) p.Done.TrySetException(tooOld);
            batch = batch.Except(stale).ToList();
            if (batch.Count == 0) return;
        }
        using var span = StartCommitSpan(batch);
        try
        {
            using var timeout = new CancellationTokenSource(_options.CommitTimeout);
            // Two units sharing an id in a batch (duplicate activations on one silo): only the first may be inserted. The
            // others are answered only once the batch has committed, so that a caller told "conflict" re-reads and sees the
            // winner (answered earlier, it could re-read before the winner is visible).
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var candidates = new List<Pending>(batch.Count);
            var conflicted = new List<Pending>();
            foreach (var p in batch)
            {
                if (p.Ids.All(ids.Add)) candidates.Add(p);
                else conflicted.Add(p);
            }
            var started = Stopwatch.GetTimestamp();
            BatchCommit? commit = null;
            var attempts = 0;
            while (commit is null && candidates.Count > 0)
            {
                List<Pending> partial = [];
                var expired = false;
                try
                {
                    commit = await _store.InsertBatchAsync(candidates.SelectMany(p => p.Entries).ToList(), c =>
                    {
                        // All or nothing per unit: a unit that only partly went in (one of its entries conflicted) must
                        // leave nothing, so the batch is rolled back and written again without it.
                        partial = candidates.Where(p => p.Partly(c.Inserted)).ToList();
                        // Checked immediately before COMMIT: a batch past its deadline commits nothing (its callers retry).
                        expired = timeout.IsCancellationRequested;
                        return partial.Count == 0 && !expired;
                    }, candidates.Any(NeedsApproval), timeout.Token);
                }
                catch (DbException e) when (e.SqlState == HalfUnit && attempts++ < 3)
                {
                    // A payout's key was taken by another transaction between the check and the insert: nothing was
                    // written; written again, the payout now sees the key taken and answers Conflict.
                    continue;
                }
                catch (DbException e) when (e.SqlState == UniqueViolation && candidates.Any(ExplicitInstruction) && attempts++ < 3)
                {
                    // Only an explicit instruction (a notice or re-issue another silo wrote concurrently) can break a unique
                    // key outright: its units answer Conflict, and the unrelated rest of the batch is written again.
                    var instructions = candidates.Where(ExplicitInstruction).ToList();
                    conflicted.AddRange(instructions);
                    candidates = candidates.Except(instructions).ToList();
                    continue;
                }
                if (commit is not null) break;
                if (expired || ++attempts > 3) throw new TimeoutException("the batch passed its commit deadline before COMMIT");
                conflicted.AddRange(partial);
                candidates = candidates.Except(partial).ToList();
            }
            foreach (var p in conflicted) p.Done.TrySetResult(PostingResult.Conflict);
            span?.SetTag("floorpay.ledger.attempts", attempts + 1);
            span?.SetTag("floorpay.ledger.conflicted_units", conflicted.Count);
            if (commit is null) return;
            var inserted = commit.Inserted;
            var took = Stopwatch.GetElapsedTime(started);
            var entries = candidates.Sum(p => p.Entries.Count);
            span?.SetTag("floorpay.ledger.entries", entries);
            if (took > SlowCommit)
                _log?.LogWarning("slow ledger commit: {Entries} entries in {Milliseconds} ms (GC pauses so far {Pause} ms, gen2 collections {Gen2})",
                    entries, (int)took.TotalMilliseconds, (int)GC.GetTotalPauseDuration().TotalMilliseconds, GC.CollectionCount(2));
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _postings, entries);
            FloorPayMeters.LedgerBatchSize.Record(entries);
            FloorPayMeters.LedgerCommitSeconds.Record(took.TotalSeconds);
            foreach (var payout in candidates.SelectMany(p => p.Entries).OfType<PayoutPosting>())
            {
                if (!inserted.Contains(payout.PayoutId)) continue;
                var tags = new TagList { { "kind", StoredNames.Of(payout.Kind) }, { "region", payout.RegionId } };
                FloorPayMeters.Payouts.Add(1, tags);
                FloorPayMeters.PayoutAmount.Add(payout.Amount, tags);
                if (payout.Enrollment) FloorPayMeters.Enrollments.Add(1, new KeyValuePair<string, object?>("region", payout.RegionId));
            }
            var sealedOut = new LedgerUnavailableException(
                "a dividend's eligible count was sealed after this enrollment was stamped; nothing was written, retry with the same key");
            foreach (var p in candidates)
            {
                if (p.Ids.Any(commit.IsStale)) p.Done.TrySetException(sealedOut);
                else p.Done.TrySetResult(p.AllIn(inserted) ? PostingResult.Committed : PostingResult.Conflict);
            }
            if (commit.Banks.Count > 0) InstructionsCommitted?.Invoke(commit.Banks);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            FloorPayMeters.LedgerFailedBatches.Add(1);
            var failure = new LedgerUnavailableException("the payout ledger did not commit; nothing was written, retry with the same key", e);
            foreach (var p in batch) p.Done.TrySetException(failure);
        }
    }

    /// <summary>The commit's span: a trace of its own (it carries many calls), linked to the span of every call in it.</summary>
    private Activity? StartCommitSpan(List<Pending> batch)
    {
        if (!FloorPayTracing.Source.HasListeners()) return null;
        var links = new List<ActivityLink>(batch.Count);
        foreach (var p in batch)
            if (p.Caller != default) links.Add(new ActivityLink(p.Caller));
        var span = FloorPayTracing.Source.StartActivity(FloorPayTracing.LedgerCommit, ActivityKind.Internal, parentContext: default, links: links);
        span?.SetTag("db.system", _store is SqliteLedgerStore ? "sqlite" : "postgresql");
        span?.SetTag("floorpay.ledger.units", batch.Count);
        return span;
    }

    private const string UniqueViolation = "23505";

    private static bool ExplicitInstruction(Pending p) => p.Entries.Any(e => e is InstructionEntry);

    private const string HalfUnit = "FP001";

    /// <summary>
    /// A unit of several entries could go in by halves, so its batch must not commit before the check; a payout with its
    /// own idempotency key cannot (the store writes the key with the payout, in one statement that refuses halves).
    /// </summary>
    private static bool NeedsApproval(Pending p) =>
        p.Entries.Count > 1 && !(p.Entries is [PayoutPosting payout, IdempotencyKeyEntry key] && key.EntryId == payout.PayoutId);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _reads.Writer.TryComplete();
        await Task.WhenAll(_writers.Concat(_readers)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Cancel();
        while (_queue.Reader.TryRead(out var left))
            left.Done.TrySetException(new LedgerUnavailableException("the silo is stopping"));
        while (_reads.Reader.TryRead(out var read))
            read.Done.TrySetException(new LedgerUnavailableException("the silo is stopping"));
        await _store.DisposeAsync();
    }
}
