using FloorPay.Domain;
using FloorPay.Grains;
using static FloorPay.Silo.Tests.TestPayouts;

namespace FloorPay.Silo.Tests;

/// <summary>
/// The ledger's region tallies (migration 10): counted by the store in the transaction that inserts each payout, so
/// they always equal a full count of the payouts, including payouts written before the tallies existed.
/// </summary>
public sealed class RegionTallyTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task An_upgraded_store_counts_the_payouts_it_already_had_and_every_payout_after(StorageProvider provider)
    {
        var storage = await TestStores.EmptyAsync(provider);
        var migrator = new SchemaMigrator(storage);
        await migrator.MigrateAsync(upToVersion: 9);
        await InsertAtSchema9Async(storage, [
            Payout("old-1", "R-NORTH", enrollment: true),
            Payout("old-2", "R-NORTH", enrollment: true, amount: 100_000),
            Payout("old-3", "R-SOUTH", enrollment: true),
            Payout("old-1", "R-NORTH", kind: PayoutKind.Dividend, amount: 7)]);

        Assert.Contains(10, await migrator.MigrateAsync());

        var tallies = new SqlLedgerTallies(storage);
        var north = await tallies.ReadRegionAsync("R-NORTH");
        Assert.Equal(2, north.Enrollments);
        Assert.Contains(new PayoutTally(PayoutKind.Floor, "2026-11", 2, 220_000), north.Payouts);
        Assert.Contains(new PayoutTally(PayoutKind.Dividend, "2026-11", 1, 7), north.Payouts);

        await PostAllAsync(storage, [
            Payout("new-1", "R-NORTH", enrollment: true),
            Payout("old-2", "R-NORTH", period: "2026-12", amount: 130_000),
            Payout("old-1", "R-NORTH", period: "2026-11")]); // already paid for 2026-11: a conflict, counted nowhere

        north = await tallies.ReadRegionAsync("R-NORTH");
        Assert.Equal(3, north.Enrollments);
        Assert.Contains(new PayoutTally(PayoutKind.Floor, "2026-11", 3, 340_000), north.Payouts);
        Assert.Contains(new PayoutTally(PayoutKind.Floor, "2026-12", 1, 130_000), north.Payouts);
        Assert.Equal(new LedgerOutflows(340_000 + 130_000 + 120_000, 7, 4), await tallies.ReadOutflowsAsync());
        await AssertTalliesEqualTheLedgerAsync(storage);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Tallies_equal_a_full_count_after_many_concurrent_commits_into_one_hot_region(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        // Several ledgers with several writers each, as on several silos: many transactions add to the same rows at once.
        var ledgers = Enumerable.Range(0, 3).Select(_ => GroupCommitLedger.Create(storage, new LedgerOptions { Writers = 3, MaxBatch = 32 })).ToList();
        try
        {
            var postings = Enumerable.Range(0, 1_200)
                .Select(i => Payout($"hot-{i}", i % 10 == 0 ? "R-SOUTH" : "R-NORTH", enrollment: true, amount: 100_000 + i)).ToList();
            var results = await Task.WhenAll(postings.Select((p, i) => TestPayouts.PostRetryingAsync(ledgers[i % ledgers.Count], p)));
            Assert.All(results, r => Assert.Equal(PostingResult.Committed, r.Result));
        }
        finally
        {
            foreach (var l in ledgers) await l.DisposeAsync();
        }

        var north = await new SqlLedgerTallies(storage).ReadRegionAsync("R-NORTH");
        Assert.Equal(1_080, north.Enrollments);
        Assert.Equal(Enumerable.Range(0, 1_200).Where(i => i % 10 != 0).Sum(i => 100_000L + i), north.Payouts.Single().Amount);
        await AssertTalliesEqualTheLedgerAsync(storage);
    }

    /// <summary>Payout rows as a schema-9 ledger held them (today's ledger writes tables that schema lacks).</summary>
    private static async Task InsertAtSchema9Async(StorageSettings storage, IReadOnlyList<PayoutPosting> postings)
    {
        await using var connection = await storage.OpenAsync();
        foreach (var p in postings)
        {
            await using var command = connection.CreateCommand();
            command.CommandText =
                "INSERT INTO floorpay_payouts (payout_id, citizen_id, kind, slot, period, amount, currency, reason_code, region_id, bank_id, " +
                "account_token, idempotency_key, fingerprint, enrollment, paid_at_ticks, bucket) VALUES " +
                "(@id, @citizen, @kind, @slot, @period, @amount, 'EUR', @reason, @region, @bank, 'tok', @key, 'f', @enrollment, @at, 0)";
            foreach (var (name, value) in new (string, object)[]
            {
                ("id", p.PayoutId), ("citizen", p.CitizenId), ("kind", p.Kind.ToString().ToLowerInvariant()), ("slot", p.Slot), ("period", p.Period),
                ("amount", p.Amount), ("reason", p.ReasonCode), ("region", p.RegionId), ("bank", p.BankId), ("key", p.IdempotencyKey),
                ("enrollment", p.Enrollment), ("at", p.PaidAt.UtcTicks),
            })
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task PostAllAsync(StorageSettings storage, IReadOnlyList<PayoutPosting> postings)
    {
        await using var ledger = GroupCommitLedger.Create(storage, new LedgerOptions());
        foreach (var p in postings) await ledger.AppendAsync([p]);
    }

    /// <summary>Every region's tallies equal the reconciliation's full GROUP BY over the payouts.</summary>
    private static async Task AssertTalliesEqualTheLedgerAsync(StorageSettings storage)
    {
        var totals = await new SqlLedgerAudit(storage).ReadTotalsAsync();
        var tallies = new SqlLedgerTallies(storage);
        foreach (var (region, expected) in totals.Regions)
        {
            var counted = await tallies.ReadRegionAsync(region);
            Assert.Equal(expected.Enrollments, counted.Enrollments);
            Assert.Equal(expected.Payouts.OrderBy(p => p.Period).ThenBy(p => p.Kind), counted.Payouts.OrderBy(p => p.Period).ThenBy(p => p.Kind));
        }
    }
}
