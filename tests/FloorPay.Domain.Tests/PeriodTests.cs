using System.Globalization;
using System.Text.RegularExpressions;
using static FloorPay.Domain.Tests.TestData;

namespace FloorPay.Domain.Tests;

public class PeriodTests
{
    // Weekly periods start on Monday. 2000-01-01 and 2000-01-02 belong to ISO week 1999-W52, before the
    // supported range of years, so the random instants start on Monday 2000-01-03 (the first day of 2000-W01).
    private static readonly int FirstDay = new DateOnly(2000, 1, 3).DayNumber;
    private static readonly int LastDay = new DateOnly(9000, 12, 31).DayNumber;

    /// <summary>Random instants between 2000 and 9000, in random UTC offsets (the same instant, written differently).</summary>
    private static readonly Gen<DateTimeOffset> Instants =
        from day in Gen.Int[FirstDay, LastDay]
        from ticks in Gen.Long[0, TimeSpan.TicksPerDay - 1]
        from offsetMinutes in Gen.Int[-14 * 60, 14 * 60]
        select new DateTimeOffset(DateOnly.FromDayNumber(day).ToDateTime(TimeOnly.MinValue).AddTicks(ticks), TimeSpan.Zero)
            .ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    private static readonly Gen<PeriodLength> Lengths = Gen.OneOf(PeriodLength.Weekly, PeriodLength.Monthly);

    [Fact]
    public void A_monthly_period_parses_and_formats_as_year_dash_month()
    {
        var p = Period.Parse("2026-11", PeriodLength.Monthly);

        Assert.Equal(PeriodLength.Monthly, p.Length);
        Assert.Equal(new DateOnly(2026, 11, 1), p.Start);
        Assert.Equal(new DateOnly(2026, 12, 1), p.End);
        Assert.Equal("2026-11", p.ToString());
    }

    [Fact]
    public void A_weekly_period_parses_and_formats_as_an_iso_week()
    {
        var p = Period.Parse("2026-W48", PeriodLength.Weekly);

        Assert.Equal(PeriodLength.Weekly, p.Length);
        Assert.Equal(new DateOnly(2026, 11, 23), p.Start); // Monday
        Assert.Equal(new DateOnly(2026, 11, 30), p.End);
        Assert.Equal("2026-W48", p.ToString());
    }

    [Fact]
    public void The_period_containing_any_instant_formats_and_parses_back_to_itself_and_contains_the_instant()
    {
        Gen.Select(Instants, Lengths).Sample(t =>
        {
            var (instant, length) = t;
            var utcDay = DateOnly.FromDateTime(instant.UtcDateTime);
            var period = Period.Containing(instant, length);
            var text = period.ToString();

            Assert.True(Period.TryParse(text, length, out var parsed), $"'{text}' did not parse");
            Assert.Equal(period, parsed);
            Assert.True(parsed.Contains(instant));
            Assert.False(parsed.Previous.Contains(instant));
            Assert.False(parsed.Next.Contains(instant));
            Assert.InRange(utcDay, parsed.Start, parsed.End.AddDays(-1));

            if (length == PeriodLength.Monthly)
            {
                Assert.Matches(new Regex(@"^\d{4}-\d{2}$"), text);
                Assert.Equal(utcDay.ToString("yyyy-MM", CultureInfo.InvariantCulture), text);
                Assert.Equal(1, parsed.Start.Day);
            }
            else
            {
                Assert.Matches(new Regex(@"^\d{4}-W\d{2}$"), text);
                var utcDate = utcDay.ToDateTime(TimeOnly.MinValue);
                Assert.Equal($"{ISOWeek.GetYear(utcDate):D4}-W{ISOWeek.GetWeekOfYear(utcDate):D2}", text);
                Assert.Equal(DayOfWeek.Monday, parsed.Start.DayOfWeek);
                Assert.Equal(7, parsed.Days);
            }
        });
    }

    [Fact]
    public void Period_boundaries_are_utc_midnights_whatever_the_offset_of_the_instant()
    {
        // 00:30 on 1 December at UTC+1 is still 30 November in UTC.
        var instant = new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1));
        Assert.Equal(Monthly("2026-11"), Period.Containing(instant, PeriodLength.Monthly));

        // 23:30 on 30 November at UTC-1 is already 1 December in UTC.
        var later = new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.FromHours(-1));
        Assert.Equal(Monthly("2026-12"), Period.Containing(later, PeriodLength.Monthly));
    }

    [Fact]
    public void The_last_days_of_2026_and_the_first_days_of_2027_share_iso_week_2026_W53()
    {
        var w53 = Period.Containing(Utc(2026, 12, 31, 12), PeriodLength.Weekly);
        Assert.Equal("2026-W53", w53.ToString());
        Assert.Equal(new DateOnly(2026, 12, 28), w53.Start);
        Assert.Equal(w53, Period.Containing(Utc(2027, 1, 1), PeriodLength.Weekly));
        Assert.Equal(w53, Period.Containing(Utc(2027, 1, 3, 23, 59, 59), PeriodLength.Weekly));
        Assert.Equal(w53, Weekly("2026-W53"));

        var w01 = Period.Containing(Utc(2027, 1, 4), PeriodLength.Weekly);
        Assert.Equal("2027-W01", w01.ToString());
        Assert.Equal(w53.Next, w01);
        Assert.Equal(w53, w01.Previous);
    }

    [Fact]
    public void Late_december_days_can_belong_to_week_1_of_the_next_year()
    {
        var p = Period.Containing(Utc(2024, 12, 30), PeriodLength.Weekly);
        Assert.Equal("2025-W01", p.ToString());
        Assert.Equal(p, Weekly("2025-W01"));
        Assert.True(p.Contains(Utc(2025, 1, 5, 23, 59, 59)));
    }

    [Fact]
    public void Week_53_exists_only_in_long_iso_years()
    {
        Assert.True(Period.TryParse("2020-W53", PeriodLength.Weekly, out var w53));
        Assert.Equal(new DateOnly(2020, 12, 28), w53.Start);
        Assert.True(w53.Contains(Utc(2021, 1, 3)));

        Assert.False(Period.TryParse("2021-W53", PeriodLength.Weekly, out _));
        Assert.Equal(Weekly("2021-W01"), Weekly("2020-W53").Next);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-1")]
    [InlineData("26-11")]
    [InlineData("abcd-ef")]
    [InlineData("2026-11 ")]
    [InlineData(" 2026-11")]
    [InlineData("2026/11")]
    [InlineData("+026-11")]
    [InlineData("2026--1")]
    [InlineData("２０２６-11")]
    [InlineData("2026-W48")]
    [InlineData("2026-11-01")]
    [InlineData("1999-12")]
    [InlineData(null)]
    public void Malformed_monthly_periods_are_rejected(string? text)
    {
        Assert.False(Period.TryParse(text, PeriodLength.Monthly, out var p));
        Assert.Equal(default, p);
        Assert.Throws<FormatException>(() => Period.Parse(text!, PeriodLength.Monthly));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-W00")]
    [InlineData("2026-W54")]
    [InlineData("2021-W53")]
    [InlineData("2026-W4")]
    [InlineData("2026-w48")]
    [InlineData("2026-48")]
    [InlineData("2026W48")]
    [InlineData("2026-W48 ")]
    [InlineData("2026-W+8")]
    [InlineData("2026-W-1")]
    [InlineData("abcd-Wef")]
    [InlineData("2026-11")]
    [InlineData(null)]
    public void Malformed_weekly_periods_are_rejected(string? text)
    {
        Assert.False(Period.TryParse(text, PeriodLength.Weekly, out var p));
        Assert.Equal(default, p);
        Assert.Throws<FormatException>(() => Period.Parse(text!, PeriodLength.Weekly));
    }

    [Fact]
    public void Next_and_previous_step_one_whole_period()
    {
        Assert.Equal(Monthly("2027-01"), Monthly("2026-12").Next);
        Assert.Equal(Monthly("2026-12"), Monthly("2027-01").Previous);
        Assert.Equal(Monthly("2028-03"), Monthly("2028-02").Next);
        Assert.Equal(Weekly("2026-W49"), Weekly("2026-W48").Next);
        Assert.Equal(Weekly("2026-W47"), Weekly("2026-W48").Previous);

        Gen.Select(Instants, Lengths).Sample(t =>
        {
            var p = Period.Containing(t.Item1, t.Item2);
            Assert.Equal(p.End, p.Next.Start);
            Assert.Equal(p.Start, p.Previous.End);
            Assert.Equal(p, p.Next.Previous);
            Assert.Equal(p, p.Previous.Next);
            var same = Period.Containing(t.Item1, t.Item2);
            Assert.True(p.Previous < p && p < p.Next && p <= same && p >= same && !(p < same) && !(p > same));
            Assert.Equal(p.Length, p.Next.Length);
        });
    }

    [Theory]
    [InlineData("2028-02", 29)]
    [InlineData("2026-02", 28)]
    [InlineData("2000-02", 29)]
    [InlineData("2100-02", 28)]
    [InlineData("2026-11", 30)]
    [InlineData("2026-12", 31)]
    public void A_monthly_period_has_as_many_days_as_its_calendar_month(string month, int days)
    {
        Assert.Equal(days, Monthly(month).Days);
    }

    [Theory]
    [InlineData("2026-W48")]
    [InlineData("2026-W53")]
    [InlineData("2020-W01")]
    public void A_weekly_period_has_seven_days(string week)
    {
        Assert.Equal(7, Weekly(week).Days);
    }

    [Fact]
    public void Days_remaining_counts_the_day_of_the_instant_up_to_the_period_end()
    {
        var november = Monthly("2026-11");
        Assert.Equal(30, november.DaysRemainingFrom(Utc(2026, 11, 1)));
        Assert.Equal(30, november.DaysRemainingFrom(Utc(2026, 11, 1, 23, 59, 59)));
        Assert.Equal(16, november.DaysRemainingFrom(Utc(2026, 11, 15, 12)));
        Assert.Equal(1, november.DaysRemainingFrom(Utc(2026, 11, 30)));
        Assert.Equal(1, november.DaysRemainingFrom(Utc(2026, 11, 30, 23, 59, 59)));
        // 00:30 at UTC+1 on 1 December is still the last UTC day of November.
        Assert.Equal(1, november.DaysRemainingFrom(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1))));

        var w48 = Weekly("2026-W48");
        Assert.Equal(7, w48.DaysRemainingFrom(Utc(2026, 11, 23)));
        Assert.Equal(1, w48.DaysRemainingFrom(Utc(2026, 11, 29, 18)));
    }

    [Fact]
    public void Days_remaining_is_the_whole_period_before_it_and_zero_after_it()
    {
        var november = Monthly("2026-11");
        Assert.Equal(30, november.DaysRemainingFrom(Utc(2026, 10, 31, 23, 59, 59)));
        Assert.Equal(30, november.DaysRemainingFrom(Utc(2020, 1, 1)));
        Assert.Equal(0, november.DaysRemainingFrom(Utc(2026, 12, 1)));
        Assert.Equal(0, november.DaysRemainingFrom(Utc(2030, 1, 1)));
    }

    [Fact]
    public void Periods_order_by_their_start()
    {
        Assert.True(Monthly("2026-11") < Monthly("2026-12"));
        Assert.True(Monthly("2027-01") > Monthly("2026-12"));
        Assert.True(Weekly("2026-W53") < Weekly("2027-W01"));
        Assert.Equal(0, Monthly("2026-11").CompareTo(Monthly("2026-11")));
    }
}
