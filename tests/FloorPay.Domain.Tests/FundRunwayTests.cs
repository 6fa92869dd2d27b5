using System.Numerics;

namespace FloorPay.Domain.Tests;

public class FundRunwayTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Runway_is_unbounded_null_when_nobody_is_enrolled(long enrolled)
    {
        Assert.Null(FundRunway.Periods(balance: 1_000_000, floorAmount: 120_000, enrolledCount: enrolled));
        Assert.Null(FundRunway.Periods(balance: 0, floorAmount: 120_000, enrolledCount: enrolled));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void Runway_is_zero_when_the_balance_is_not_positive(long balance)
    {
        Assert.Equal(0, FundRunway.Periods(balance, floorAmount: 120_000, enrolledCount: 5));
    }

    [Theory]
    [InlineData(1_000, 100, 3, 3)]          // 1,000 / 300 = 3.33
    [InlineData(899, 100, 3, 2)]            // 899 / 300 = 2.99
    [InlineData(900, 100, 3, 3)]
    [InlineData(299, 100, 3, 0)]
    public void Runway_counts_whole_periods_of_floor_for_everyone_rounded_down(long balance, long floor, long enrolled, long expected)
    {
        Assert.Equal(expected, FundRunway.Periods(balance, floor, enrolled));
    }

    [Fact]
    public void Runway_does_not_overflow_with_national_scale_values()
    {
        // 10^15 / (10^6 × 10^7): 10^13 per period, 100 periods.
        Assert.Equal(100, FundRunway.Periods(1_000_000_000_000_000, 1_000_000, 10_000_000));
        Assert.Equal(0, FundRunway.Periods(long.MaxValue, long.MaxValue, long.MaxValue));
        Assert.Equal(long.MaxValue, FundRunway.Periods(long.MaxValue, 1, 1));
    }

    [Fact]
    public void Runway_is_the_exact_floor_of_balance_over_per_period_cost()
    {
        var values = Gen.OneOf(Gen.Long[1, long.MaxValue], Gen.Long[1, 10_000_000]);
        Gen.Select(values, values, values).Sample(t =>
        {
            var (balance, floor, enrolled) = t;
            var expected = BigInteger.Divide(balance, (BigInteger)floor * enrolled);
            Assert.Equal(expected, (BigInteger)FundRunway.Periods(balance, floor, enrolled)!.Value);
        });
    }

    [Theory]
    [InlineData(0L, 3, true)]
    [InlineData(2L, 3, true)]
    [InlineData(3L, 3, false)]
    [InlineData(100L, 3, false)]
    [InlineData(0L, 0, false)]
    public void Runway_is_low_only_strictly_below_the_alert_threshold(long runway, int alertBelow, bool low)
    {
        Assert.Equal(low, FundRunway.IsLow(runway, alertBelow));
    }

    [Fact]
    public void An_unbounded_runway_is_never_low()
    {
        Assert.False(FundRunway.IsLow(null, 3));
        Assert.False(FundRunway.IsLow(null, int.MaxValue));
    }
}
