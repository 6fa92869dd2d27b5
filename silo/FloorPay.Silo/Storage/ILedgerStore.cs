using FloorPay.Grains;

namespace FloorPay.Silo.Storage;

/// <summary>One dialect's way to commit a batch of postings in one transaction and read them back.</summary>
internal interface ILedgerStore
{
    /// <summary>Inserts what does not conflict with a unique key, all in one transaction; returns the ids inserted.</summary>
    Task<HashSet<string>> InsertBatchAsync(IReadOnlyList<PayoutPosting> batch, CancellationToken cancellation);

    /// <summary>The postings of several citizens in one query, oldest first per citizen.</summary>
    Task<ILookup<string, PayoutPosting>> ReadCitizensAsync(IReadOnlyCollection<string> citizenIds, CancellationToken cancellation);
}
