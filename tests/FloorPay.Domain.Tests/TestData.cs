namespace FloorPay.Domain.Tests;

/// <summary>Shared builders for test inputs. Every policy starts from the published default document.</summary>
internal static class TestData
{
    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    public static Period Monthly(string text) => Period.Parse(text, PeriodLength.Monthly);

    public static Period Weekly(string text) => Period.Parse(text, PeriodLength.Weekly);

    public static FloorPolicy Policy(
        int version = 1,
        string effectiveFrom = "2026-01",
        long floorAmount = 120_000,
        FirstPayoutRule firstPayout = FirstPayoutRule.Full,
        PeriodLength length = PeriodLength.Monthly) =>
        DefaultPolicy.Version1(effectiveFrom) with
        {
            Version = version,
            FloorAmount = floorAmount,
            FirstPayout = firstPayout,
            PeriodLength = length,
        };
}
