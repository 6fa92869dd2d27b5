namespace FloorPay.Grains;

/// <summary>Aggregate changes enqueued on this silo but not yet delivered to regions and funds.</summary>
public interface IPendingAggregates
{
    /// <summary>Delivers everything enqueued so far; false when some target could not be reached yet.</summary>
    Task<bool> FlushAsync(CancellationToken cancellation = default);
}
