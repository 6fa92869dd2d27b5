using System.Numerics;
using System.Reflection;
using static FloorPay.Domain.Tests.TestData;

namespace FloorPay.Domain.Tests;

public class FloorEntitlementTests
{
    // 100,001 is not divisible by 7, 28, 29, 30 or 31, so every pro-rated amount below really rounds.
    private const long Floor = 100_001;

    private static FloorPolicy ProRated(PeriodLength length = PeriodLength.Monthly) =>
        Policy(version: 3, effectiveFrom: length == PeriodLength.Monthly ? "2026-01" : "2026-W01",
            floorAmount: Floor, firstPayout: FirstPayoutRule.ProRated, length: length);

    private static FloorPolicy Full() => Policy(version: 3, floorAmount: Floor, firstPayout: FirstPayoutRule.Full);

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(30)]
    public void The_full_rule_pays_the_whole_policy_floor_whatever_the_enrollment_day(int day)
    {
        var (amount, reason) = FloorEntitlement.AtEnrollment(Full(), Monthly("2026-11"), Utc(2026, 11, day, 23, 59, 59));

        Assert.Equal(new Money(Floor, "EUR"), amount);
        Assert.Equal("FLOOR_ENROLLMENT_FULL@policy-v3", reason.ToString());
    }

    [Fact]
    public void Pro_rated_enrollment_on_the_first_day_pays_the_whole_floor()
    {
        var (amount, _) = FloorEntitlement.AtEnrollment(ProRated(), Monthly("2026-11"), Utc(2026, 11, 1));
        Assert.Equal(new Money(Floor, "EUR"), amount);
    }

    [Fact]
    public void Pro_rated_enrollment_on_the_last_day_of_a_30_day_month_pays_one_thirtieth_rounded_down()
    {
        var (amount, _) = FloorEntitlement.AtEnrollment(ProRated(), Monthly("2026-11"), Utc(2026, 11, 30, 23, 59, 59));
        Assert.Equal(new Money(3_333, "EUR"), amount); // 100,001 / 30 = 3,333.37
    }

    [Fact]
    public void Pro_rated_enrollment_mid_month_pays_the_remaining_days_share_rounded_down()
    {
        // 16 November leaves 15 of November's 30 days: 100,001 × 15 / 30 = 50,000.5.
        var (amount, _) = FloorEntitlement.AtEnrollment(ProRated(), Monthly("2026-11"), Utc(2026, 11, 16, 8));
        Assert.Equal(new Money(50_000, "EUR"), amount);
    }

    [Fact]
    public void Pro_rated_enrollment_on_a_leap_day_pays_one_twenty_ninth_rounded_down()
    {
        var (amount, _) = FloorEntitlement.AtEnrollment(ProRated(), Monthly("2028-02"), Utc(2028, 2, 29, 12));
        Assert.Equal(new Money(3_448, "EUR"), amount); // 100,001 / 29 = 3,448.31
    }

    [Fact]
    public void Pro_rated_enrollment_on_the_sunday_of_a_week_pays_one_seventh_rounded_down()
    {
        var (amount, _) = FloorEntitlement.AtEnrollment(ProRated(PeriodLength.Weekly), Weekly("2026-W48"), Utc(2026, 11, 29, 20));
        Assert.Equal(new Money(14_285, "EUR"), amount); // 100,001 / 7 = 14,285.86
    }

    [Fact]
    public void The_pro_rated_amount_is_between_zero_and_the_floor_for_every_instant_in_the_period()
    {
        var genCase =
            from floor in Gen.OneOf(Gen.Long[1, 1_000_000_000_000], Gen.Long[1, 100])
            from length in Gen.OneOf(PeriodLength.Weekly, PeriodLength.Monthly)
            from day in Gen.Int[new DateOnly(2026, 1, 1).DayNumber, new DateOnly(2099, 12, 31).DayNumber]
            from ticks in Gen.Long[0, TimeSpan.TicksPerDay - 1]
            select (floor, length, instant: new DateTimeOffset(DateOnly.FromDayNumber(day).ToDateTime(TimeOnly.MinValue).AddTicks(ticks), TimeSpan.Zero));

        genCase.Sample(c =>
        {
            var policy = Policy(floorAmount: c.floor, firstPayout: FirstPayoutRule.ProRated, length: c.length,
                effectiveFrom: c.length == PeriodLength.Monthly ? "2026-01" : "2026-W01");
            var period = Period.Containing(c.instant, c.length);

            var (amount, reason) = FloorEntitlement.AtEnrollment(policy, period, c.instant);

            Assert.Equal("EUR", amount.Currency);
            Assert.InRange(amount.MinorUnits, 0, c.floor);
            var enrollmentDay = DateOnly.FromDateTime(c.instant.UtcDateTime);
            var daysLeft = period.End.DayNumber - enrollmentDay.DayNumber;
            var daysInPeriod = period.End.DayNumber - period.Start.DayNumber;
            Assert.Equal(BigInteger.Divide((BigInteger)c.floor * daysLeft, daysInPeriod), (BigInteger)amount.MinorUnits);
            if (c.floor >= daysInPeriod) Assert.True(amount.MinorUnits > 0, "a floor of at least one unit a day never pro-rates to nothing");
            Assert.Equal(new ReasonCode(ReasonRules.FloorEnrollmentProRated, policy.Version), reason);
        });
    }

    [Fact]
    public void Enrolling_later_in_a_period_never_pays_more_than_enrolling_earlier()
    {
        var genCase =
            from a in Gen.Int[0, 29]
            from b in Gen.Int[0, 29]
            select (earlier: Math.Min(a, b), later: Math.Max(a, b));

        genCase.Sample(c =>
        {
            var november = Monthly("2026-11");
            var early = FloorEntitlement.AtEnrollment(ProRated(), november, Utc(2026, 11, 1).AddDays(c.earlier)).Amount;
            var late = FloorEntitlement.AtEnrollment(ProRated(), november, Utc(2026, 11, 1).AddDays(c.later)).Amount;
            Assert.True(late.MinorUnits <= early.MinorUnits);
        });
    }

    [Fact]
    public void Reason_codes_name_the_rule_and_the_policy_version()
    {
        var november = Monthly("2026-11");
        Assert.Equal("FLOOR_ENROLLMENT_PRORATED@policy-v3",
            FloorEntitlement.AtEnrollment(ProRated(), november, Utc(2026, 11, 20)).Reason.ToString());
        Assert.Equal("FLOOR_ENROLLMENT_FULL@policy-v3",
            FloorEntitlement.AtEnrollment(Full(), november, Utc(2026, 11, 20)).Reason.ToString());
        Assert.Equal("FLOOR_PERIOD@policy-v3", FloorEntitlement.ForPeriod(Full()).Reason.ToString());
        Assert.Equal("FLOOR_PERIOD@policy-v12", FloorEntitlement.ForPeriod(Full() with { Version = 12 }).Reason.ToString());
    }

    [Fact]
    public void A_whole_period_after_enrollment_pays_the_policy_floor()
    {
        Assert.Equal(new Money(Floor, "EUR"), FloorEntitlement.ForPeriod(ProRated()).Amount);
        Assert.Equal(new Money(Floor, "EUR"), FloorEntitlement.ForPeriod(Full()).Amount);
    }

    [Fact]
    public void Contribution_quota_categories_and_runway_settings_of_the_policy_do_not_change_the_floor()
    {
        var november = Monthly("2026-11");
        var instant = Utc(2026, 11, 12);
        var baseline = ProRated();
        var other = baseline with
        {
            ContributionQuotaMinutes = 100_000,
            ContributionCategories = ["care"],
            ExemptionCategories = [],
            LowRunwayAlertPeriods = 1_000,
        };

        Assert.Equal(FloorEntitlement.AtEnrollment(baseline, november, instant), FloorEntitlement.AtEnrollment(other, november, instant));
        Assert.Equal(FloorEntitlement.ForPeriod(baseline), FloorEntitlement.ForPeriod(other));
    }

    [Fact]
    public void Rule_1_the_floor_depends_only_on_policy_period_and_enrollment_instant()
    {
        var methods = typeof(FloorEntitlement).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
        Assert.NotEmpty(methods);

        Type[] allowed = [typeof(FloorPolicy), typeof(Period), typeof(DateTimeOffset)];
        string[] forbidden = ["contribution", "dividend", "fund", "balance", "appeal"];
        foreach (var method in methods)
        {
            foreach (var parameter in method.GetParameters())
            {
                Assert.Contains(parameter.ParameterType, allowed);
                foreach (var word in forbidden)
                {
                    Assert.DoesNotContain(word, parameter.Name!, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain(word, parameter.ParameterType.FullName!, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
    }
}
