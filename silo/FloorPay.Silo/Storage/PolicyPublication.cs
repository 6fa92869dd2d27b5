using System.Text.Json;

namespace FloorPay.Silo.Storage;

/// <summary>
/// The published policy book, stored in <c>floorpay_policy_versions</c> (migration 19, append-only) and the truth for
/// every silo. At start a silo publishes its configured versions: one already published must be identical; a new one
/// must be the next version and take effect from a future period. Anything else refuses the start with a message that
/// says what to do. A silo with no configured versions uses the stored book (the demo policy on an empty store).
/// </summary>
public static class PolicyPublication
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static async Task<PolicyBook> PublishAsync(StorageSettings storage, IReadOnlyList<FloorPolicy> configured, DateTimeOffset now,
        CancellationToken cancellation = default)
    {
        var stored = await ReadAsync(storage, cancellation);
        if (stored.Count == 0 && configured.Count == 0) configured = [DefaultPolicy.Version1()];
        // The first versions ever published may govern the current period: nothing was paid under any other.
        var current = stored.Count == 0 ? (Period?)null : Period.Containing(now, stored[0].PeriodLength);
        foreach (var version in configured.OrderBy(v => v.Version))
        {
            var published = stored.FirstOrDefault(s => s.Version == version.Version);
            if (published is not null)
            {
                if (!published.SameAs(version))
                    throw new InvalidOperationException(
                        $"FloorPay:Policy: version {version.Version} is already published with other content (floor {published.FloorAmount} {published.Currency} " +
                        $"from {published.EffectiveFrom}; configured: floor {version.FloorAmount} {version.Currency} from {version.EffectiveFrom}). " +
                        $"A published version never changes: configure it as published and add version {stored[^1].Version + 1} effective from a future period");
                continue;
            }
            if (stored.Count > 0 && version.Version != stored[^1].Version + 1)
                throw new InvalidOperationException(
                    $"FloorPay:Policy: version {version.Version} does not follow the published book (latest published: version {stored[^1].Version})");
            if (current is { } c && Period.TryParse(version.EffectiveFrom, version.PeriodLength, out var from) && from <= c)
                throw new InvalidOperationException(
                    $"FloorPay:Policy: version {version.Version} would take effect from {version.EffectiveFrom}, which is not a future period " +
                    $"(current: {c}). A new version takes effect only from a future period, so no period already being paid changes meaning");
            // Validates it against the book before anything is written (consecutive, later start, same currency and length).
            _ = new PolicyBook(stored.Append(version));
            await InsertAsync(storage, version, now, cancellation);
            stored = await ReadAsync(storage, cancellation); // another silo may have published the same version meanwhile
            if (stored.FirstOrDefault(s => s.Version == version.Version) is { } winner && !winner.SameAs(version))
                throw new InvalidOperationException($"FloorPay:Policy: version {version.Version} was published meanwhile with other content by another silo");
        }
        return new PolicyBook(stored);
    }

    public static async Task<IReadOnlyList<FloorPolicy>> ReadAsync(StorageSettings storage, CancellationToken cancellation = default)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection, "SELECT document FROM floorpay_policy_versions ORDER BY version");
        var versions = new List<FloorPolicy>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            versions.Add((JsonSerializer.Deserialize<Document>(reader.GetString(0), Json) ?? throw new InvalidOperationException("an empty policy document")).ToPolicy());
        return versions;
    }

    /// <summary>The stored form of a version: its published fields only, in this order.</summary>
    private sealed record Document(int Version, string EffectiveFrom, string Currency, long FloorAmount, PeriodLength PeriodLength,
        FirstPayoutRule FirstPayout, int ContributionQuotaMinutes, List<string> ContributionCategories, List<string> ExemptionCategories,
        int LowRunwayAlertPeriods)
    {
        public static Document Of(FloorPolicy p) => new(p.Version, p.EffectiveFrom, p.Currency, p.FloorAmount, p.PeriodLength, p.FirstPayout,
            p.ContributionQuotaMinutes, [.. p.ContributionCategories], [.. p.ExemptionCategories], p.LowRunwayAlertPeriods);

        public FloorPolicy ToPolicy() => new()
        {
            Version = Version, EffectiveFrom = EffectiveFrom, Currency = Currency, FloorAmount = FloorAmount, PeriodLength = PeriodLength,
            FirstPayout = FirstPayout, ContributionQuotaMinutes = ContributionQuotaMinutes, ContributionCategories = ContributionCategories,
            ExemptionCategories = ExemptionCategories, LowRunwayAlertPeriods = LowRunwayAlertPeriods,
        };
    }

    private static async Task InsertAsync(StorageSettings storage, FloorPolicy version, DateTimeOffset now, CancellationToken cancellation)
    {
        await using var connection = await storage.OpenAsync(cancellation);
        await using var command = SqlCommands.Create(connection,
            "INSERT INTO floorpay_policy_versions (version, effective_from, document, published_at_ticks) VALUES (@v, @from, @doc, @at) " +
            "ON CONFLICT (version) DO NOTHING",
            ("v", version.Version), ("from", version.EffectiveFrom), ("doc", JsonSerializer.Serialize(Document.Of(version), Json)), ("at", now.UtcTicks));
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
