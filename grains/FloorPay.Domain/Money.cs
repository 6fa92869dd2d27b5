namespace FloorPay.Domain;

/// <summary>An amount in integer minor units (e.g. cents) of one currency. Never a floating point value.</summary>
public readonly record struct Money(long MinorUnits, string Currency)
{
    public static Money Zero(string currency) => new(0, currency);

    // Checked arithmetic: an overflow is a bug or an attack, never a silent wrap-around.
    public Money Plus(Money other) => new(checked(MinorUnits + SameCurrency(other).MinorUnits), Currency);

    public Money Minus(Money other) => new(checked(MinorUnits - SameCurrency(other).MinorUnits), Currency);

    public Money Times(long factor) => new(checked(MinorUnits * factor), Currency);

    /// <summary>
    /// Splits this amount into <paramref name="numerator"/>/<paramref name="denominator"/> of it, rounded down,
    /// and the remainder, so that part + remainder is exactly this amount: rounding never creates or destroys money.
    /// </summary>
    public (Money Part, Money Remainder) Portion(long numerator, long denominator)
    {
        if (denominator <= 0) throw new ArgumentOutOfRangeException(nameof(denominator), "must be positive");
        if (numerator < 0 || numerator > denominator) throw new ArgumentOutOfRangeException(nameof(numerator), "must be within 0..denominator");
        if (MinorUnits < 0) throw new InvalidOperationException("cannot portion a negative amount");
        var part = (long)((Int128)MinorUnits * numerator / denominator);
        return (new Money(part, Currency), new Money(MinorUnits - part, Currency));
    }

    private Money SameCurrency(Money other) =>
        other.Currency == Currency ? other : throw new InvalidOperationException($"currency mismatch: {Currency} and {other.Currency}");

    public override string ToString() => $"{MinorUnits} {Currency} (minor units)";
}
