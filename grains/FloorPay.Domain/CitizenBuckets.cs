using System.Text;

namespace FloorPay.Domain;

/// <summary>
/// A fixed, stable spread of citizens over hash buckets, stored with each enrollment, so that large runs (the payday)
/// can be sliced by region and bucket and staggered instead of sweeping one region or one bank at a time.
/// </summary>
public static class CitizenBuckets
{
    public const int Count = 64;

    /// <summary>FNV-1a of the id's UTF-8 bytes: the same bucket on every machine and in every version.</summary>
    public static int Of(string citizenId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(citizenId))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return (int)(hash % Count);
    }
}
