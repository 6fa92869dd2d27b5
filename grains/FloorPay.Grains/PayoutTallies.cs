namespace FloorPay.Grains;

internal static class PayoutTallies
{
    /// <summary>Adds <paramref name="delta"/> into <paramref name="totals"/>, keyed by (kind, period).</summary>
    public static void Merge(List<PayoutTally> totals, IEnumerable<PayoutTally> delta)
    {
        foreach (var t in delta)
        {
            var i = totals.FindIndex(x => x.Kind == t.Kind && x.Period == t.Period);
            if (i < 0) totals.Add(t);
            else totals[i] = totals[i] with { Count = checked(totals[i].Count + t.Count), Amount = checked(totals[i].Amount + t.Amount) };
        }
    }

    /// <summary>True (and records it) when this delta has not been applied before.</summary>
    public static bool FirstTime(Dictionary<string, long> applied, AggregateDelta delta)
    {
        if (applied.TryGetValue(delta.FeedId, out var last) && delta.Sequence <= last) return false;
        applied[delta.FeedId] = delta.Sequence;
        return true;
    }
}
