namespace FloorPay.Silo.Storage;

/// <summary>Administrative acts in <c>floorpay_admin_acts</c>, append-only, chained by the audit trail's sealer.</summary>
internal sealed class SqlAdministrativeActs(StorageSettings storage) : IAdministrativeActs
{
    /// <summary>How the acts table is stored and read, for the writer, the sealer and the export.</summary>
    public static readonly JournalTable<AdministrativeActEntry> Table = new("floorpay_admin_acts", "at_ticks, act_id",
        (a, b) => string.CompareOrdinal(a.ActId, b.ActId),
        new JournalColumns<AdministrativeActEntry>()
            .Text("act_id", a => a.ActId).Text("kind", a => a.Kind).Text("actor", a => a.Actor).Text("subject", a => a.Subject)
            .Long("amount", a => a.Amount).Text("detail", a => a.Detail).Instant("at_ticks", a => a.At),
        r => new AdministrativeActEntry(r.Text("act_id"), r.Text("kind"), r.Text("actor"), r.Text("subject"), r.Long("amount"), r.Text("detail"),
            r.Instant("at_ticks")));

    public async Task RecordAsync(AdministrativeActEntry act, CancellationToken cancellation = default)
    {
        var values = Table.SqliteValues(act);
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            $"INSERT INTO {Table.Name} ({Table.Columns}) VALUES ({string.Join(", ", Table.ColumnNames.Select((_, i) => $"@c{i}"))}) ON CONFLICT DO NOTHING",
            values.Select((v, i) => ($"c{i}", v)).ToArray());
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
