namespace FloorPay.Silo.Tests;

/// <summary>Envelope claims (migration 18) on both stores: one claim wins a race, per bank, and a claim never changes.</summary>
public sealed class EnvelopeBookTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Of_many_silos_claiming_one_envelope_id_at_once_exactly_one_wins_and_all_see_its_content(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        var at = new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks, TimeSpan.Zero);
        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            new SqlEnvelopeBook(storage).ClaimAsync("bank-a", "env-1", "enroll", $"fingerprint-{i}", at)));

        var winners = claims.Count(c => c is null);
        Assert.Equal(1, winners);
        var recorded = await new SqlEnvelopeBook(storage).FindAsync("bank-a", "env-1");
        Assert.NotNull(recorded);
        Assert.All(claims.Where(c => c is not null), c => Assert.Equal(recorded.Fingerprint, c!.Fingerprint));
        Assert.Null(recorded.Result);

        // Another bank's id of the same name is its own; results are kept and replaced, the claim itself never changes.
        Assert.Null(await new SqlEnvelopeBook(storage).ClaimAsync("bank-b", "env-1", "enroll", "theirs", at));
        await new SqlEnvelopeBook(storage).SaveResultAsync("bank-a", "env-1", [1, 2, 3], at);
        await new SqlEnvelopeBook(storage).SaveResultAsync("bank-a", "env-1", [4, 5], at);
        Assert.Equal([4, 5], (await new SqlEnvelopeBook(storage).FindAsync("bank-a", "env-1"))!.Result);
        Assert.Equal("theirs", (await new SqlEnvelopeBook(storage).FindAsync("bank-b", "env-1"))!.Fingerprint);
        await using var connection = await storage.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE floorpay_envelopes SET fingerprint = 'forged' WHERE scope = 'bank-a'";
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
        command.CommandText = "DELETE FROM floorpay_envelopes";
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
    }
}
