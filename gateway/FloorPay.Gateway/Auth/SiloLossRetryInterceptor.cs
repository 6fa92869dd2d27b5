using System.Diagnostics;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// Runs a unary call again, after a short pause, when its grain was on a silo that has just died: the message could
/// not be sent there, or the silo is gone. Until the cluster declares that silo dead (seconds), its grains cannot be
/// reached; afterwards they activate elsewhere. Safe because every FloorPay write is idempotent by its key (a call that
/// did reach the grain replays its answer) and reads change nothing. Bounded by <see cref="Budget"/> and the caller's
/// deadline; what is still failing then becomes UNAVAILABLE with a retry hint.
/// </summary>
public sealed class SiloLossRetryInterceptor(ILogger<SiloLossRetryInterceptor> log) : Interceptor
{
    /// <summary>Longer than the cluster takes to declare a killed silo dead (docs/benchmarks.md, pod kill).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await continuation(request, context);
            }
            catch (Exception e) when (SiloLost(e) && MayWait(context, started, Pause(attempt)))
            {
                if (attempt == 1) log.LogInformation("{Method}: its grain's silo cannot be reached ({Error}); trying again", context.Method, e.GetType().Name);
                await Task.Delay(Pause(attempt), context.CancellationToken);
            }
        }
    }

    /// <summary>Whether this failure means the grain's silo is unreachable (dead, or not yet known to be), not a refusal.</summary>
    public static bool SiloLost(Exception e) =>
        e is OrleansMessageRejectionException or SiloUnavailableException || (e.InnerException is { } inner && SiloLost(inner));

    // 50, 100, 200, 400, 800 ms, then every second.
    private static TimeSpan Pause(int attempt) => TimeSpan.FromMilliseconds(Math.Min(1000, 50 << Math.Min(attempt - 1, 5)));

    private static bool MayWait(ServerCallContext context, long started, TimeSpan pause) =>
        !context.CancellationToken.IsCancellationRequested &&
        Stopwatch.GetElapsedTime(started) + pause < Budget &&
        context.Deadline - DateTime.UtcNow > pause;
}
