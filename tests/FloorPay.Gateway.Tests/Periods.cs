using System.Globalization;

namespace FloorPay.Gateway.Tests;

/// <summary>Period arithmetic on the wire format: monthly "YYYY-MM" and weekly ISO "YYYY-Www".</summary>
public static class Periods
{
    public static string Shift(string period, int by)
    {
        if (period.Length == 7)
        {
            var month = new DateOnly(int.Parse(period[..4], CultureInfo.InvariantCulture), int.Parse(period[5..], CultureInfo.InvariantCulture), 1).AddMonths(by);
            return month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        }
        var monday = ISOWeek.ToDateTime(int.Parse(period[..4], CultureInfo.InvariantCulture), int.Parse(period[6..], CultureInfo.InvariantCulture), DayOfWeek.Monday)
            .AddDays(7 * by);
        return $"{ISOWeek.GetYear(monday):D4}-W{ISOWeek.GetWeekOfYear(monday):D2}";
    }

    public static string Next(string period) => Shift(period, 1);

    public static string Previous(string period) => Shift(period, -1);
}
