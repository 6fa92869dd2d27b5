using static FloorPay.Domain.Tests.TestData;

namespace FloorPay.Domain.Tests;

public class PolicyBookTests
{
    // Each version pays a different floor so that the version picked is visible in what it pays.
    private static FloorPolicy V(int version, string effectiveFrom) =>
        Policy(version, effectiveFrom, floorAmount: 100_000 + version);

    private static PolicyBook Book() => new([V(1, "2026-01"), V(2, "2026-06"), V(3, "2027-01")]);

    [Theory]
    [InlineData("2026-01", 1)]
    [InlineData("2026-05", 1)]
    [InlineData("2026-06", 2)]
    [InlineData("2026-12", 2)]
    [InlineData("2027-01", 3)]
    [InlineData("2035-07", 3)]
    public void For_picks_the_version_in_force_during_the_period(string period, int expectedVersion)
    {
        var policy = Book().For(Monthly(period));
        Assert.Equal(expectedVersion, policy.Version);
        Assert.Equal(100_000 + expectedVersion, policy.FloorAmount);
    }

    [Fact]
    public void Periods_before_the_first_version_fall_under_the_first_version()
    {
        Assert.Equal(1, Book().For(Monthly("2025-12")).Version);
        Assert.Equal(1, Book().For(Monthly("2000-01")).Version);
    }

    [Fact]
    public void The_book_exposes_its_versions_in_order_whatever_order_they_were_given_in()
    {
        var book = new PolicyBook([V(3, "2027-01"), V(1, "2026-01"), V(2, "2026-06")]);

        Assert.Equal(new[] { 1, 2, 3 }, book.Versions.Select(v => v.Version));
        Assert.Equal(3, book.Latest.Version);
        Assert.Equal(2, book.Version(2)?.Version);
        Assert.Null(book.Version(4));
        Assert.Equal("EUR", book.Currency);
        Assert.Equal(PeriodLength.Monthly, book.PeriodLength);
    }

    [Fact]
    public void A_book_needs_at_least_one_version()
    {
        Assert.Throws<ArgumentException>(() => new PolicyBook([]));
    }

    [Fact]
    public void Versions_must_be_consecutive()
    {
        Assert.Throws<ArgumentException>(() => new PolicyBook([V(1, "2026-01"), V(3, "2026-06")]));
        Assert.Throws<ArgumentException>(() => new PolicyBook([V(1, "2026-01"), V(1, "2026-06")]));
    }

    [Fact]
    public void A_later_version_cannot_change_the_currency()
    {
        var usd = V(2, "2026-06") with { Currency = "USD" };
        Assert.Throws<ArgumentException>(() => new PolicyBook([V(1, "2026-01"), usd]));
    }

    [Fact]
    public void A_later_version_cannot_change_the_period_length()
    {
        var weekly = V(2, "2026-W30") with { PeriodLength = PeriodLength.Weekly };
        Assert.Empty(weekly.Problems());
        Assert.Throws<ArgumentException>(() => new PolicyBook([V(1, "2026-01"), weekly]));
    }

    [Theory]
    [InlineData("2026-01")]
    [InlineData("2025-12")]
    public void A_later_version_must_take_effect_strictly_after_the_one_before(string effectiveFrom)
    {
        Assert.Throws<ArgumentException>(() => new PolicyBook([V(1, "2026-01"), V(2, effectiveFrom)]));
    }

    [Fact]
    public void A_book_refuses_a_version_with_problems()
    {
        Assert.Throws<ArgumentException>(() => new PolicyBook([V(1, "2026-01") with { FloorAmount = 0 }]));
        Assert.Throws<ArgumentException>(() => new PolicyBook([V(1, "2026-01"), V(2, "2026-06") with { Currency = "eur" }]));
    }

    [Theory]
    [InlineData("2026-11")]
    [InlineData("2026-10")]
    [InlineData("2026-01")]
    public void Publish_refuses_a_version_that_would_take_effect_in_the_current_or_a_past_period(string effectiveFrom)
    {
        var book = new PolicyBook([V(1, "2026-01")]);
        Assert.Throws<ArgumentException>(() => book.Publish(V(2, effectiveFrom), current: Monthly("2026-11")));
        Assert.Single(book.Versions);
    }

    [Fact]
    public void Publish_accepts_a_version_that_takes_effect_from_a_future_period()
    {
        var book = new PolicyBook([V(1, "2026-01")]);
        var current = Monthly("2026-11");

        var published = book.Publish(V(2, "2026-12"), current);

        Assert.Equal(2, published.Latest.Version);
        Assert.Equal(1, published.For(current).Version);
        Assert.Equal(2, published.For(current.Next).Version);
        Assert.Single(book.Versions); // the original book is unchanged
    }

    [Fact]
    public void Publish_still_checks_the_new_version_against_the_book()
    {
        var book = new PolicyBook([V(1, "2026-01")]);
        var current = Monthly("2026-11");
        Assert.Throws<ArgumentException>(() => book.Publish(V(3, "2027-01"), current));
        Assert.Throws<ArgumentException>(() => book.Publish(V(2, "2027-01") with { Currency = "USD" }, current));
        Assert.Throws<ArgumentException>(() => book.Publish(V(2, "2027-01") with { FloorAmount = -1 }, current));
    }

    [Fact]
    public void Publishing_never_changes_the_policy_of_the_current_or_any_earlier_period()
    {
        var genCase =
            from currentOffset in Gen.Int[0, 120]
            from effectiveOffset in Gen.Int[-24, 24]
            select (currentOffset, effectiveOffset);

        genCase.Sample(c =>
        {
            var book = new PolicyBook([V(1, "2026-01")]);
            var current = Monthly("2026-01");
            for (var i = 0; i < c.currentOffset; i++) current = current.Next;
            var effective = current;
            for (var i = 0; i < Math.Abs(c.effectiveOffset); i++) effective = c.effectiveOffset > 0 ? effective.Next : effective.Previous;
            var next = V(2, effective.ToString());

            if (c.effectiveOffset <= 0)
            {
                Assert.Throws<ArgumentException>(() => book.Publish(next, current));
                return;
            }

            var published = book.Publish(next, current);
            for (var p = current; p >= Monthly("2025-01"); p = p.Previous)
                Assert.Equal(book.For(p), published.For(p));
            Assert.Equal(2, published.For(effective).Version);
        });
    }
}
