using static FloorPay.Domain.Tests.TestData;

namespace FloorPay.Domain.Tests;

public class ContributionStandingTests
{
    private static readonly FloorPolicy Policy7 = Policy(version: 7) with { ContributionQuotaMinutes = 600 };

    [Theory]
    [InlineData(0)]
    [InlineData(599)]
    [InlineData(600)]
    [InlineData(10_000)]
    public void An_exempt_citizen_stands_as_exempt_whatever_it_recorded(long minutes)
    {
        var reason = ContributionStanding.Evaluate(Policy7, minutes, exempt: true);
        Assert.Equal("QUOTA_EXEMPT@policy-v7", reason.ToString());
    }

    [Theory]
    [InlineData(600)]
    [InlineData(601)]
    [InlineData(long.MaxValue)]
    public void Minutes_at_or_above_the_quota_meet_it(long minutes)
    {
        var reason = ContributionStanding.Evaluate(Policy7, minutes, exempt: false);
        Assert.Equal(new ReasonCode(ReasonRules.QuotaMet, 7), reason);
        Assert.Equal("QUOTA_MET@policy-v7", reason.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(599)]
    public void Minutes_below_the_quota_leave_it_open(long minutes)
    {
        var reason = ContributionStanding.Evaluate(Policy7, minutes, exempt: false);
        Assert.Equal("QUOTA_OPEN@policy-v7", reason.ToString());
    }

    [Fact]
    public void A_zero_quota_is_met_without_any_minutes()
    {
        var reason = ContributionStanding.Evaluate(Policy7 with { ContributionQuotaMinutes = 0 }, 0, exempt: false);
        Assert.Equal("QUOTA_MET@policy-v7", reason.ToString());
    }

    [Fact]
    public void The_reason_names_the_version_of_the_policy_it_was_evaluated_under()
    {
        Assert.Equal(8, ContributionStanding.Evaluate(Policy7 with { Version = 8 }, 0, exempt: false).PolicyVersion);
        Assert.Equal(9, ContributionStanding.Evaluate(Policy7 with { Version = 9 }, 0, exempt: true).PolicyVersion);
    }

    private static readonly Period November = Monthly("2026-11");

    [Fact]
    public void An_exemption_covers_a_period_it_is_active_on_any_day_of()
    {
        Assert.True(ContributionStanding.Covers(Utc(2026, 11, 10), Utc(2026, 11, 12), November));
        Assert.True(ContributionStanding.Covers(Utc(2026, 1, 1), Utc(2027, 1, 1), November));
        Assert.True(ContributionStanding.Covers(Utc(2026, 10, 1), Utc(2026, 11, 1).AddTicks(1), November));
        Assert.True(ContributionStanding.Covers(Utc(2026, 12, 1).AddTicks(-1), Utc(2027, 3, 1), November));
    }

    [Fact]
    public void An_exemption_that_expires_exactly_when_the_period_starts_does_not_cover_it()
    {
        Assert.False(ContributionStanding.Covers(Utc(2026, 10, 1), Utc(2026, 11, 1), November));
        Assert.False(ContributionStanding.Covers(Utc(2026, 9, 1), Utc(2026, 10, 15), November));
    }

    [Fact]
    public void An_exemption_granted_exactly_when_the_period_ends_does_not_cover_it()
    {
        Assert.False(ContributionStanding.Covers(Utc(2026, 12, 1), Utc(2027, 1, 1), November));
        Assert.False(ContributionStanding.Covers(Utc(2027, 1, 1), Utc(2027, 2, 1), November));
    }

    [Fact]
    public void Exemption_boundaries_are_compared_in_utc()
    {
        // 00:30 on 1 December at UTC+1 is 23:30 on 30 November UTC: granted inside November.
        Assert.True(ContributionStanding.Covers(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1)), Utc(2027, 1, 1), November));
        // 00:30 on 1 November at UTC+1 is 23:30 on 31 October UTC: expired before November.
        Assert.False(ContributionStanding.Covers(Utc(2026, 10, 1), new DateTimeOffset(2026, 11, 1, 0, 30, 0, TimeSpan.FromHours(1)), November));
        // 23:30 on 30 November at UTC-1 is already 1 December UTC: granted after November.
        Assert.False(ContributionStanding.Covers(new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.FromHours(-1)), Utc(2027, 1, 1), November));
    }

    [Fact]
    public void Weekly_exemptions_follow_the_iso_week_boundaries()
    {
        var w48 = Weekly("2026-W48"); // Monday 23 to Sunday 29 November
        Assert.True(ContributionStanding.Covers(Utc(2026, 11, 29, 23, 59, 59), Utc(2026, 12, 5), w48));
        Assert.False(ContributionStanding.Covers(Utc(2026, 11, 30), Utc(2026, 12, 5), w48));
        Assert.False(ContributionStanding.Covers(Utc(2026, 11, 1), Utc(2026, 11, 23), w48));
    }
}
