namespace FloorPay.Grains;

internal static class AppliedDeltas
{
    /// <summary>True (and records it) when this delta has not been applied before: a retried send is applied once.</summary>
    public static bool FirstTime(Dictionary<string, long> applied, AggregateDelta delta)
    {
        if (applied.TryGetValue(delta.FeedId, out var last) && delta.Sequence <= last) return false;
        applied[delta.FeedId] = delta.Sequence;
        return true;
    }
}
