using System.Security.Cryptography;
using System.Text;

namespace FloorPay.Domain;

/// <summary>A stable hash of a command's content (operation and fields, excluding the idempotency key).</summary>
public static class Fingerprint
{
    public static string Of(string operation, params object?[] fields)
    {
        var text = new StringBuilder(operation);
        foreach (var f in fields)
        {
            // Length-prefixing each field keeps ("ab","c") and ("a","bc") distinct.
            var s = f switch
            {
                null => "",
                DateTimeOffset d => d.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                IFormattable x => x.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => f.ToString() ?? "",
            };
            text.Append('|').Append(s.Length).Append(':').Append(s);
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>An enrollment, however it arrives (a single call or an envelope's item): same request, same fingerprint.</summary>
    public static string OfEnrollment(string regionId, string bankId, string accountToken) => Of("enroll", regionId, bankId, accountToken);

    /// <summary>A floor payout as asked for (the period as the caller wrote it, empty for the current one), on every path.</summary>
    public static string OfFloorPayout(string? period) => Of("floor-payout", period ?? "");
}
