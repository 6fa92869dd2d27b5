using FloorPay.Domain;
using FloorPay.Grains;
using static FloorPay.Silo.Tests.TestPayouts;

namespace FloorPay.Silo.Tests;

/// <summary>
/// The re-issue rule as the ledger answers it (IReturnedPayments.ReissuesDueAsync), on both stores: the citizen grain
/// and every silo's sweep ask this one query, so they cannot disagree.
/// </summary>
public sealed class ReissueRuleTests
{
    private static readonly DateTimeOffset T0 = new(DateTimeOffset.UtcNow.UtcTicks, TimeSpan.Zero);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_payment_is_due_only_when_the_account_in_effect_was_updated_after_the_return_or_differs_from_it(StorageProvider provider)
    {
        var storage = await TestStores.FreshAsync(provider);
        await using var ledger = GroupCommitLedger.Create(storage, new LedgerOptions());
        var returned = new SqlReturnedPayments(storage);

        // back: A -> B -> A, then returned on A (the account in effect is the dead end: not due, ever).
        // moved: returned on A, then moved to B (due once B is in effect). cooling: moved to B, not yet in effect.
        // renewed: returned on A, then asked again for A (an update after the return: due).
        foreach (var citizen in new[] { "back", "moved", "cooling", "renewed" })
            Assert.Equal(PostingResult.Committed, (await PostRetryingAsync(ledger, Payout(citizen, enrollment: true))).Result);
        Assert.Equal(PostingResult.Committed, await ledger.AppendAsync([Change("back", 1, "tok-b", T0), Change("back", 2, "tok", T0.AddSeconds(1))]));
        foreach (var citizen in new[] { "back", "moved", "cooling", "renewed" })
            Assert.Equal(PostingResult.Committed, await ledger.AppendAsync([Returned(citizen, T0.AddSeconds(2))]));
        Assert.Equal(PostingResult.Committed, await ledger.AppendAsync([
            Change("moved", 1, "tok-b", T0.AddSeconds(3)), Change("cooling", 1, "tok-b", T0.AddSeconds(3), coolingOff: TimeSpan.FromDays(3)),
            Change("renewed", 1, "tok", T0.AddSeconds(3))]));

        var now = T0.AddHours(1);
        var due = await returned.ReissuesDueAsync(now, "", 100);
        Assert.Equal(["moved", "renewed"], due.Select(d => d.CitizenId));
        Assert.Equal("moved:Floor:2026-11", due[0].ReturnedInstructionId);
        // A cursor and one citizen's own question give the same rule's answers.
        Assert.Equal(["renewed"], (await returned.ReissuesDueAsync(now, "moved", 100)).Select(d => d.CitizenId));
        Assert.Empty(await returned.ReissuesDueAsync(now, "", 100, citizenId: "back"));
        Assert.Single(await returned.ReissuesDueAsync(now, "", 100, citizenId: "moved"));
        Assert.Equal(["cooling", "moved", "renewed"], (await returned.ReissuesDueAsync(T0.AddDays(4), "", 100)).Select(d => d.CitizenId));

        // Once re-issued, a payment is never due again.
        var reissue = new InstructionEntry("moved:Floor:2026-11:reissue:1", "bank-a", InstructionKind.Floor, "moved:Floor:2026-11", "moved",
            "tok-b", 120_000, "EUR", "2026-11", "FLOOR_PERIOD@policy-v1", "moved:Floor:2026-11", now);
        Assert.Equal(PostingResult.Committed, await ledger.AppendAsync([reissue]));
        Assert.Equal(["renewed"], (await returned.ReissuesDueAsync(now, "", 100)).Select(d => d.CitizenId));
    }

    private static AccountChangeEntry Change(string citizen, int n, string token, DateTimeOffset at, TimeSpan? coolingOff = null) =>
        new($"{citizen}:account:{n}", citizen, "bank-a", token, "bank-a", "tok", "bank-a", at, at + (coolingOff ?? TimeSpan.FromMinutes(1)),
            $"key-change-{n}", "f");

    private static InstructionOutcomeEntry Returned(string citizen, DateTimeOffset at) =>
        new(new InstructionOutcomeRecord($"{citizen}:Floor:2026-11", "bank-a", citizen, InstructionOutcome.Returned, "ACCOUNT_CLOSED", 120_000, at));
}
