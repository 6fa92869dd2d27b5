using FloorPay.Domain;
using FloorPay.Grains;
namespace FloorPay.Silo.Tests;

/// <summary>Payout postings for ledger tests: one per (citizen, kind, period), stamped now (older enrollments are refused as stale).</summary>
public static class TestPayouts
{
    public static PayoutPosting Payout(string citizen, string region = "R-NORTH", string bank = "bank-a", PayoutKind kind = PayoutKind.Floor,
        string period = "2026-11", long amount = 120_000, bool enrollment = false) =>
        new($"{citizen}:{kind}:{period}", citizen, kind, period, period, amount, "EUR", "FLOOR_PERIOD@policy-v1",
            region, bank, "tok", $"key-{kind}-{period}", new string('a', 64), enrollment, new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks, TimeSpan.Zero));

    /// <summary>
    /// Posts as a citizen grain would under load: a retryable refusal (an enrollment that waited too long in a busy
    /// queue) is resent with a fresh stamp. Returns the result and the posting that was finally answered.
    /// </summary>
    public static async Task<(PostingResult Result, PayoutPosting Posted)> PostRetryingAsync(IPayoutLedger ledger, PayoutPosting posting)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await ledger.AppendAsync([posting]), posting);
            }
            catch (LedgerUnavailableException) when (attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt));
                posting = posting with { PaidAt = new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks, TimeSpan.Zero) };
            }
        }
    }
}
