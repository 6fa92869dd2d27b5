using System.Numerics;

namespace FloorPay.Domain.Tests;

public class MoneyTests
{
    private static Money Eur(long minorUnits) => new(minorUnits, "EUR");

    private static bool FitsInLong(BigInteger value) => value >= long.MinValue && value <= long.MaxValue;

    [Fact]
    public void Plus_that_overflows_throws_instead_of_wrapping_around()
    {
        Assert.Throws<OverflowException>(() => Eur(long.MaxValue).Plus(Eur(1)));
        Assert.Throws<OverflowException>(() => Eur(long.MinValue).Plus(Eur(-1)));
    }

    [Fact]
    public void Minus_that_overflows_throws_instead_of_wrapping_around()
    {
        Assert.Throws<OverflowException>(() => Eur(long.MinValue).Minus(Eur(1)));
        Assert.Throws<OverflowException>(() => Eur(long.MaxValue).Minus(Eur(-1)));
    }

    [Fact]
    public void Times_that_overflows_throws_instead_of_wrapping_around()
    {
        Assert.Throws<OverflowException>(() => Eur(long.MaxValue).Times(2));
        Assert.Throws<OverflowException>(() => Eur(long.MinValue).Times(-1));
        Assert.Throws<OverflowException>(() => Eur(1L << 62).Times(2));
    }

    [Fact]
    public void Plus_and_minus_are_exact_or_throw_never_wrap()
    {
        Gen.Select(Gen.Long, Gen.Long).Sample(t =>
        {
            var (a, b) = t;
            var sum = (BigInteger)a + b;
            if (FitsInLong(sum)) Assert.Equal(Eur((long)sum), Eur(a).Plus(Eur(b)));
            else Assert.Throws<OverflowException>(() => Eur(a).Plus(Eur(b)));

            var difference = (BigInteger)a - b;
            if (FitsInLong(difference)) Assert.Equal(Eur((long)difference), Eur(a).Minus(Eur(b)));
            else Assert.Throws<OverflowException>(() => Eur(a).Minus(Eur(b)));
        });
    }

    [Fact]
    public void Times_is_exact_or_throws_never_wraps()
    {
        var factors = Gen.OneOf(Gen.Long, Gen.Long[-(1L << 32), 1L << 32]);
        Gen.Select(factors, factors).Sample(t =>
        {
            var (a, factor) = t;
            var product = (BigInteger)a * factor;
            if (FitsInLong(product)) Assert.Equal(Eur((long)product), Eur(a).Times(factor));
            else Assert.Throws<OverflowException>(() => Eur(a).Times(factor));
        });
    }

    [Fact]
    public void Adding_or_subtracting_another_currency_throws()
    {
        var usd = new Money(1, "USD");
        Assert.Throws<InvalidOperationException>(() => Eur(1).Plus(usd));
        Assert.Throws<InvalidOperationException>(() => Eur(1).Minus(usd));
        // Currency codes are compared exactly: "eur" is not "EUR".
        Assert.Throws<InvalidOperationException>(() => Eur(1).Plus(new Money(1, "eur")));
    }

    [Fact]
    public void Arithmetic_keeps_the_currency()
    {
        Assert.Equal("EUR", Eur(5).Plus(Eur(3)).Currency);
        Assert.Equal("EUR", Eur(5).Minus(Eur(3)).Currency);
        Assert.Equal("EUR", Eur(5).Times(3).Currency);
        Assert.Equal(new Money(0, "JPY"), Money.Zero("JPY"));
    }

    private static readonly Gen<(long Amount, long Numerator, long Denominator)> PortionCases =
        from amount in Gen.OneOf(Gen.Long[0, long.MaxValue], Gen.Long[0, 10_000_000])
        from denominator in Gen.OneOf(Gen.Long[1, long.MaxValue], Gen.Long[1, 400])
        from numerator in Gen.Long[0, denominator]
        select (amount, numerator, denominator);

    [Fact]
    public void Portion_never_creates_or_destroys_money_and_rounds_the_part_down()
    {
        PortionCases.Sample(c =>
        {
            var (part, remainder) = Eur(c.Amount).Portion(c.Numerator, c.Denominator);

            Assert.Equal(c.Amount, (BigInteger)part.MinorUnits + remainder.MinorUnits);
            Assert.InRange(part.MinorUnits, 0, c.Amount);
            Assert.InRange(remainder.MinorUnits, 0, c.Amount);
            var exactFloor = BigInteger.Divide((BigInteger)c.Amount * c.Numerator, c.Denominator);
            Assert.Equal(exactFloor, (BigInteger)part.MinorUnits);
            Assert.Equal("EUR", part.Currency);
            Assert.Equal("EUR", remainder.Currency);
        });
    }

    [Fact]
    public void Portion_of_all_is_the_whole_amount_and_portion_of_none_is_zero()
    {
        Assert.Equal((Eur(long.MaxValue), Eur(0)), Eur(long.MaxValue).Portion(long.MaxValue, long.MaxValue));
        Assert.Equal((Eur(0), Eur(1234)), Eur(1234).Portion(0, 30));
        Assert.Equal((Eur(1234), Eur(0)), Eur(1234).Portion(30, 30));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void Portion_refuses_a_denominator_that_is_not_positive(long denominator)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Eur(100).Portion(0, denominator));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(long.MinValue, 10)]
    [InlineData(11, 10)]
    [InlineData(long.MaxValue, 10)]
    public void Portion_refuses_a_numerator_outside_zero_to_denominator(long numerator, long denominator)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Eur(100).Portion(numerator, denominator));
    }

    [Fact]
    public void Portion_refuses_a_negative_amount()
    {
        Assert.Throws<InvalidOperationException>(() => Eur(-1).Portion(1, 2));
    }
}
