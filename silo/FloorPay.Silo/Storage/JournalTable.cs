using Npgsql;

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

    /// <summary>One positional array parameter per column, in column order, a row per entry.</summary>
    public abstract NpgsqlParameter[] PostgresArrays(IReadOnlyList<JournalEntry> rows);

    /// <summary>One row's values in column order (null as DBNull).</summary>
    public abstract object[] SqliteValues(JournalEntry row);

    /// <summary>Reads a row selected with <see cref="Selected"/>, by column name.</summary>
    public abstract JournalEntry Read(DbDataReader reader);

    /// <summary>The plain insert of an appended kind: rows that conflict with a unique key are skipped.</summary>
    public string PostgresInsert => field ??=
        $"INSERT INTO {Name} ({Columns}) SELECT * FROM unnest({string.Join(", ", ColumnNames.Select((_, i) => $"${i + 1}"))}) " +
        $"ON CONFLICT DO NOTHING RETURNING {Selected}";

    /// <summary>The rows of the citizens listed in the JSON array @c0, per citizen oldest first.</summary>
    public string SqliteHistories => field ??=
        $"SELECT {Selected} FROM {Name} WHERE citizen_id IN (SELECT value FROM json_each(@c0)) ORDER BY citizen_id, {HistoryOrder};";

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

    public override NpgsqlParameter[] PostgresArrays(IReadOnlyList<JournalEntry> rows) =>
        PostgresArrays(rows as IReadOnlyList<T> ?? rows.Cast<T>().ToList());

    public NpgsqlParameter[] PostgresArrays(IReadOnlyList<T> rows)
    {
        var parameters = new NpgsqlParameter[columns.Count];
        for (var i = 0; i < parameters.Length; i++) parameters[i] = columns[i].PostgresArray(rows);
        return parameters;
    }

    public override object[] SqliteValues(JournalEntry row)
    {
        var values = new object[columns.Count];
        for (var i = 0; i < values.Length; i++) values[i] = columns[i].SqliteValue((T)row);
        return values;
    }

    public override JournalEntry Read(DbDataReader reader) => read(reader);

    public T ReadRow(DbDataReader reader) => read(reader);
}

/// <summary>A journal table's columns, each with its name and the entry's value for it.</summary>
internal sealed class JournalColumns<T> : List<JournalColumn<T>>
{
    public JournalColumns<T> Text(string name, Func<T, string> value) => With(name, value, row => value(row));

    public JournalColumns<T> TextOrNull(string name, Func<T, string?> value) => With(name, value, row => (object?)value(row) ?? DBNull.Value);

    public JournalColumns<T> Long(string name, Func<T, long> value) => With(name, value, row => value(row));

    public JournalColumns<T> LongOrNull(string name, Func<T, long?> value) => With(name, value, row => (object?)value(row) ?? DBNull.Value);

    public JournalColumns<T> Short(string name, Func<T, short> value) => With(name, value, row => value(row));

    public JournalColumns<T> Int(string name, Func<T, int> value) => With(name, value, row => value(row));

    /// <summary>A boolean: PostgreSQL boolean, SQLite 0 or 1.</summary>
    public JournalColumns<T> Flag(string name, Func<T, bool> value) => With(name, value, row => value(row) ? 1 : 0);

    /// <summary>An instant, stored as UTC ticks (the column is named *_ticks).</summary>
    public JournalColumns<T> Instant(string name, Func<T, DateTimeOffset> value) =>
        With(name, row => value(row).UtcTicks, row => value(row).UtcTicks);

    // PostgreSQL gets one array per column, typed by its CLR type (string[] is text[], long[] bigint[], long?[] a
    // bigint[] with NULLs): no type names to resolve per parameter.
    private JournalColumns<T> With<TValue>(string name, Func<T, TValue> value, Func<T, object> sqlite)
    {
        Add(new JournalColumn<T>(name, rows =>
        {
            var values = new TValue[rows.Count];
            for (var i = 0; i < values.Length; i++) values[i] = value(rows[i]);
            return new NpgsqlParameter<TValue[]> { TypedValue = values };
        }, sqlite));
        return this;
    }
}

internal sealed record JournalColumn<T>(string Name, Func<IReadOnlyList<T>, NpgsqlParameter> PostgresArray, Func<T, object> SqliteValue);
