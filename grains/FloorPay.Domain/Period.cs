using System.Globalization;

namespace FloorPay.Domain;

/// <summary>
/// One floor period. Weekly periods are written "2026-W48" (ISO week), monthly ones "2026-11".
/// All boundaries are UTC midnights, so every silo agrees on which period an instant falls in.
/// </summary>
public readonly record struct Period : IComparable<Period>
{
    private Period(PeriodLength length, DateOnly start)
    {
        Length = length;
        Start = start;
    }

    public PeriodLength Length { get; }

    /// <summary>First day of the period (inclusive, UTC).</summary>
    public DateOnly Start { get; }

    /// <summary>First day after the period (exclusive, UTC).</summary>
    public DateOnly End => Length == PeriodLength.Weekly ? Start.AddDays(7) : Start.AddMonths(1);

    public int Days => End.DayNumber - Start.DayNumber;

    public Period Next => new(Length, End);

    public Period Previous => Length == PeriodLength.Weekly ? new(Length, Start.AddDays(-7)) : new(Length, Start.AddMonths(-1));

    public static Period Containing(DateTimeOffset instant, PeriodLength length)
    {
        var day = DateOnly.FromDateTime(instant.UtcDateTime);
        return length switch
        {
            PeriodLength.Weekly => new(length, day.AddDays(-(((int)day.DayOfWeek + 6) % 7))),
            PeriodLength.Monthly => new(length, new DateOnly(day.Year, day.Month, 1)),
            _ => throw new ArgumentOutOfRangeException(nameof(length)),
        };
    }

    public bool Contains(DateTimeOffset instant)
    {
        var day = DateOnly.FromDateTime(instant.UtcDateTime);
        return day >= Start && day < End;
    }

    /// <summary>Days from <paramref name="instant"/>'s day to the period end, counting that day.</summary>
    public int DaysRemainingFrom(DateTimeOffset instant)
    {
        var day = DateOnly.FromDateTime(instant.UtcDateTime);
        if (day < Start) return Days;
        if (day >= End) return 0;
        return End.DayNumber - day.DayNumber;
    }

    public static bool TryParse(string? text, PeriodLength length, out Period period)
    {
        period = default;
        if (string.IsNullOrEmpty(text) || text.Length > 8) return false;
        if (length == PeriodLength.Monthly)
        {
            if (text.Length != 7 || text[4] != '-') return false;
            if (!int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ||
                !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)) return false;
            if (year is < 2000 or > 9998 || month is < 1 or > 12) return false;
            period = new Period(length, new DateOnly(year, month, 1));
            return true;
        }
        if (length == PeriodLength.Weekly)
        {
            if (text.Length != 8 || text[4] != '-' || text[5] != 'W') return false;
            if (!int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ||
                !int.TryParse(text.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var week)) return false;
            if (year is < 2000 or > 9998 || week < 1 || week > ISOWeek.GetWeeksInYear(year)) return false;
            period = new Period(length, DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)));
            return true;
        }
        return false;
    }

    public static Period Parse(string text, PeriodLength length) =>
        TryParse(text, length, out var p) ? p : throw new FormatException($"'{text}' is not a {length.ToString().ToLowerInvariant()} period");

    public int CompareTo(Period other) => Start.CompareTo(other.Start);

    public static bool operator <(Period a, Period b) => a.CompareTo(b) < 0;
    public static bool operator >(Period a, Period b) => a.CompareTo(b) > 0;
    public static bool operator <=(Period a, Period b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Period a, Period b) => a.CompareTo(b) >= 0;

    public override string ToString()
    {
        if (Length == PeriodLength.Monthly) return Start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var date = Start.ToDateTime(TimeOnly.MinValue);
        return $"{ISOWeek.GetYear(date):D4}-W{ISOWeek.GetWeekOfYear(date):D2}";
    }
}
