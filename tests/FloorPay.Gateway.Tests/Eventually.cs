using System.Diagnostics;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Polls an eventually consistent read (contribution minutes reach regions asynchronously, within about a second;
/// streams and sweeps run on timers) until it satisfies a condition, failing with the last value seen when the
/// deadline passes. Waiting is never the assertion itself.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    public static async Task<T> Satisfies<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = deadline ?? DefaultDeadline;
        while (true)
        {
            var value = await read();
            if (condition(value)) return value;
            if (clock.Elapsed > limit) Assert.Fail($"{what} did not happen within {limit.TotalSeconds:0} s; last value: {value}");
            await Task.Delay(50);
        }
    }
}
