using Microsoft.Extensions.Time.Testing;
using static FloorPay.Domain.Tests.TestData;

namespace FloorPay.Domain.Tests;

public class PeriodClockTests
{
    [Fact]
    public void The_current_monthly_period_moves_when_time_crosses_a_month_boundary()
    {
        var time = new FakeTimeProvider(Utc(2026, 11, 30, 23, 59, 59));
        var clock = new PeriodClock(time, PeriodLength.Monthly);
        Assert.Equal(Monthly("2026-11"), clock.Current);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Monthly("2026-12"), clock.Current);
        Assert.Equal(Utc(2026, 12, 1), clock.Now);
    }

    [Fact]
    public void The_current_period_stays_put_while_time_moves_within_it()
    {
        var time = new FakeTimeProvider(Utc(2026, 11, 1));
        var clock = new PeriodClock(time, PeriodLength.Monthly);

        time.Advance(TimeSpan.FromDays(29) + TimeSpan.FromHours(23));
        Assert.Equal(Monthly("2026-11"), clock.Current);
    }

    [Fact]
    public void The_current_weekly_period_moves_when_time_crosses_from_sunday_to_monday()
    {
        var time = new FakeTimeProvider(Utc(2026, 11, 29, 23, 59, 59));
        var clock = new PeriodClock(time, PeriodLength.Weekly);
        Assert.Equal(Weekly("2026-W48"), clock.Current);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Weekly("2026-W49"), clock.Current);
    }

    [Fact]
    public void The_current_weekly_period_moves_across_the_iso_week_year_boundary()
    {
        var time = new FakeTimeProvider(Utc(2026, 12, 31));
        var clock = new PeriodClock(time, PeriodLength.Weekly);
        Assert.Equal("2026-W53", clock.Current.ToString());

        time.Advance(TimeSpan.FromDays(3)); // Sunday 3 January 2027: still 2026-W53
        Assert.Equal("2026-W53", clock.Current.ToString());

        time.Advance(TimeSpan.FromDays(1)); // Monday 4 January 2027
        Assert.Equal("2027-W01", clock.Current.ToString());
    }

    [Fact]
    public void The_current_period_follows_utc_not_the_local_time_zone()
    {
        var time = new FakeTimeProvider(Utc(2026, 11, 30, 20));
        time.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("Test+10", TimeSpan.FromHours(10), "Test+10", "Test+10"));
        var clock = new PeriodClock(time, PeriodLength.Monthly);

        // 06:00 on 1 December local time, but still 30 November in UTC.
        Assert.Equal(Monthly("2026-11"), clock.Current);
    }

    [Fact]
    public void The_clock_parses_periods_of_its_own_length()
    {
        var clock = new PeriodClock(new FakeTimeProvider(Utc(2026, 11, 1)), PeriodLength.Weekly);
        Assert.Equal(PeriodLength.Weekly, clock.Length);
        Assert.True(clock.TryParse("2026-W48", out var week));
        Assert.Equal(Weekly("2026-W48"), week);
        Assert.False(clock.TryParse("2026-11", out _));
    }
}
