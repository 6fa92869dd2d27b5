using Npgsql;
using NpgsqlTypes;

namespace FloorPay.Silo.Storage;

/// <summary>
/// How one kind of journal entry is stored, for both dialects: its table, its columns with how each binds (a PostgreSQL
/// array for a whole batch, a SQLite value per row), the order rows are written in, and how a row reads back.
/// </summary>
internal abstract class JournalTable
{
    public abstract string Name { get; }

    /// <summary>The columns an entry fills, in binding order.</summary>
    public abstract IReadOnlyList<string> ColumnNames { get; }

    /// <summary><see cref="ColumnNames"/> as a column list.</summary>
    public string Columns => field ??= string.Join(", ", ColumnNames);

    /// <summary>What a read selects: the entry's columns and any the store assigns (an instruction's sequence).</summary>
    public abstract string Selected { get; }

    /// <summary>The order of one citizen's rows, oldest first.</summary>
    public abstract string HistoryOrder { get; }

    /// <summary>The entries of this kind in a batch, in key order: every writer inserts in that order, so two never deadlock.</summary>
    public abstract IReadOnlyList<JournalEntry> Of(IReadOnlyList<JournalEntry> entries);

    /// <summary>One array parameter per column (named as the column, after <paramref name="prefix"/>), a row per entry.</summary>
    public abstract IEnumerable<NpgsqlParameter> PostgresArrays(IReadOnlyList<JournalEntry> rows, string prefix = "");

    /// <summary>One row's values in column order (null as DBNull).</summary>
    public abstract object[] SqliteValues(JournalEntry row);

    /// <summary>Reads a row selected with <see cref="Selected"/>, by column name.</summary>
    public abstract JournalEntry Read(DbDataReader reader);

    /// <summary>The plain insert of an appended kind: rows that conflict with a unique key are skipped.</summary>
    public string PostgresInsert => field ??=
        $"INSERT INTO {Name} ({Columns}) SELECT * FROM unnest({string.Join(", ", ColumnNames.Select(c => "@" + c))}) " +
        $"ON CONFLICT DO NOTHING RETURNING {Selected}";

    public string SqliteInsert => field ??=
        $"INSERT INTO {Name} ({Columns}) VALUES ({string.Join(", ", ColumnNames.Select((_, i) => $"@c{i}"))}) ON CONFLICT DO NOTHING RETURNING 1;";
}

/// <inheritdoc />
internal sealed class JournalTable<T>(string name, string historyOrder, Comparison<T> keyOrder, JournalColumns<T> columns,
    Func<DbDataReader, T> read, string? assigned = null) : JournalTable where T : JournalEntry
{
    public override string Name => name;

    public override IReadOnlyList<string> ColumnNames { get; } = columns.Select(c => c.Name).ToList();

    public override string Selected => assigned is null ? Columns : $"{Columns}, {assigned}";

    public override string HistoryOrder => historyOrder;

    public override IReadOnlyList<JournalEntry> Of(IReadOnlyList<JournalEntry> entries) => Rows(entries);

    public List<T> Rows(IReadOnlyList<JournalEntry> entries)
    {
        var rows = new List<T>();
        foreach (var e in entries)
            if (e is T row) rows.Add(row);
        rows.Sort(keyOrder);
        return rows;
    }

    public override IEnumerable<NpgsqlParameter> PostgresArrays(IReadOnlyList<JournalEntry> rows, string prefix = "")
    {
        var typed = rows as IReadOnlyList<T> ?? rows.Cast<T>().ToList();
        return columns.Select(c => c.PostgresArray(prefix + c.Name, typed));
    }

    public NpgsqlParameter[] PostgresArrays(IReadOnlyList<T> rows, string prefix = "") =>
        columns.Select(c => c.PostgresArray(prefix + c.Name, rows)).ToArray();

    public override object[] SqliteValues(JournalEntry row)
    {
        var values = new object[columns.Count];
        for (var i = 0; i < values.Length; i++) values[i] = columns[i].SqliteValue((T)row);
        return values;
    }

    public override JournalEntry Read(DbDataReader reader) => read(reader);

    public T ReadRow(DbDataReader reader) => read(reader);
}

/// <summary>A journal table's columns, each with its name, its type and the entry's value for it.</summary>
internal sealed class JournalColumns<T> : List<JournalColumn<T>>
{
    public JournalColumns<T> Text(string name, Func<T, string> value) => With(new(name, NpgsqlDbType.Text,
        rows => Array(rows, value), row => value(row)));

    public JournalColumns<T> TextOrNull(string name, Func<T, string?> value) => With(new(name, NpgsqlDbType.Text,
        rows => Array(rows, value), row => (object?)value(row) ?? DBNull.Value));

    public JournalColumns<T> Long(string name, Func<T, long> value) => With(new(name, NpgsqlDbType.Bigint,
        rows => Array(rows, value), row => value(row)));

    public JournalColumns<T> LongOrNull(string name, Func<T, long?> value) => With(new(name, NpgsqlDbType.Bigint,
        rows => Array(rows, value), row => (object?)value(row) ?? DBNull.Value));

    public JournalColumns<T> Short(string name, Func<T, short> value) => With(new(name, NpgsqlDbType.Smallint,
        rows => Array(rows, value), row => value(row)));

    public JournalColumns<T> Int(string name, Func<T, int> value) => With(new(name, NpgsqlDbType.Integer,
        rows => Array(rows, value), row => value(row)));

    /// <summary>A boolean: PostgreSQL boolean, SQLite 0 or 1.</summary>
    public JournalColumns<T> Flag(string name, Func<T, bool> value) => With(new(name, NpgsqlDbType.Boolean,
        rows => Array(rows, value), row => value(row) ? 1 : 0));

    /// <summary>An instant, stored as UTC ticks (the column is named *_ticks).</summary>
    public JournalColumns<T> Instant(string name, Func<T, DateTimeOffset> value) => With(new(name, NpgsqlDbType.Bigint,
        rows => Array(rows, r => value(r).UtcTicks), row => value(row).UtcTicks));

    private JournalColumns<T> With(JournalColumn<T> column)
    {
        Add(column);
        return this;
    }

    private static TValue[] Array<TValue>(IReadOnlyList<T> rows, Func<T, TValue> value)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++) values[i] = value(rows[i]);
        return values;
    }
}

internal sealed record JournalColumn<T>(string Name, NpgsqlDbType Type, Func<IReadOnlyList<T>, System.Array> Values, Func<T, object> SqliteValue)
{
    public NpgsqlParameter PostgresArray(string parameter, IReadOnlyList<T> rows) =>
        new(parameter, NpgsqlDbType.Array | Type) { Value = Values(rows) };
}
