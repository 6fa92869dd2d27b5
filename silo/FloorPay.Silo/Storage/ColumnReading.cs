using System.Globalization;

namespace FloorPay.Silo.Storage;

/// <summary>
/// Reads a row's columns by name (with the prefix a join gave them): a reordered, added or joined column can never be
/// read as another one.
/// </summary>
internal static class ColumnReading
{
    public static string Text(this DbDataReader r, string column) => r.GetString(r.GetOrdinal(column));

    public static string? TextOrNull(this DbDataReader r, string column) => r.GetOrdinal(column) is var i && r.IsDBNull(i) ? null : r.GetString(i);

    public static long Long(this DbDataReader r, string column) => r.GetInt64(r.GetOrdinal(column));

    public static long? LongOrNull(this DbDataReader r, string column) => r.GetOrdinal(column) is var i && r.IsDBNull(i) ? null : r.GetInt64(i);

    public static int Int(this DbDataReader r, string column) => Convert.ToInt32(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);

    public static bool Flag(this DbDataReader r, string column) => Convert.ToBoolean(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);

    /// <summary>An instant stored as UTC ticks in a column named *_ticks.</summary>
    public static DateTimeOffset Instant(this DbDataReader r, string column) => new(r.GetInt64(r.GetOrdinal(column)), TimeSpan.Zero);
}
