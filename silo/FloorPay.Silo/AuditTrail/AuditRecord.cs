using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FloorPay.Silo.AuditTrail;

/// <summary>
/// An entry's canonical content and its link in its chain, as docs/audit-format.md defines them: the one place the
/// writer and the export compute them, both from the entry itself, so a stored row reads back to the same bytes.
/// </summary>
internal static class AuditRecord
{
    /// <summary>The predecessor of a chain's first record.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>"table=NAME", then "\tcolumn=value" per column in the table's column order; values escaped, NULL as \N.</summary>
    public static string Canonical(JournalTable table, JournalEntry entry)
    {
        var text = new StringBuilder("table=").Append(table.Name);
        var values = table.SqliteValues(entry);
        for (var i = 0; i < values.Length; i++)
        {
            text.Append('\t').Append(table.ColumnNames[i]).Append('=');
            switch (values[i])
            {
                case DBNull: text.Append("\\N"); break;
                case string s: Escape(text, s); break;
                case IFormattable number: text.Append(number.ToString(null, CultureInfo.InvariantCulture)); break;
                default: throw new InvalidOperationException($"{table.Name}.{table.ColumnNames[i]}: no canonical form for {values[i].GetType()}");
            }
        }
        return text.ToString();
    }

    /// <summary>SHA-256 over "PREV\nCONTENT" (UTF-8), lower-case hex: the record's hash and its successor's predecessor.</summary>
    public static string Link(string previous, string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + "\n" + content)));

    /// <summary>The instant column a table's rows are stamped with (its history order's first column).</summary>
    public static string TicksColumn(JournalTable table) => table.HistoryOrder.Split(',')[0].Trim();

    private static void Escape(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '\t': text.Append("\\t"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                default: text.Append(c); break;
            }
        }
    }
}
