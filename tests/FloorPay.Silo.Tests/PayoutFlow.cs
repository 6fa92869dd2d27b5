using System.Collections.Concurrent;
using System.Diagnostics;
using FloorPay.V1;
using Grpc.Core;

namespace FloorPay.Silo.Tests;

/// <summary>
/// Clients enrolling new citizens (each enrollment is a durable payout) against a set of gateways, the way a bank
/// would: a short deadline, and on failure the same request (same idempotency key) again, on the next gateway.
/// Records every acknowledged payout and how long every failed attempt took to fail.
/// </summary>
public sealed class PayoutFlow(IReadOnlyList<SiloProcess> silos)
{
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new(); // payout id → citizen id
    public ConcurrentQueue<(DateTime At, StatusCode Status, TimeSpan Took)> Failures { get; } = new();
    public ConcurrentQueue<DateTime> Successes { get; } = new();

    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(5);

    public async Task RunAsync(int workers, CancellationToken stop)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            while (!stop.IsCancellationRequested)
            {
                var citizen = $"flow-{worker}-{Guid.NewGuid():N}";
                var request = new EnrollRequest
                {
                    IdempotencyKey = $"e-{citizen}",
                    CitizenId = citizen,
                    RegionId = "R-NORTH",
                    PayoutAccount = new PayoutAccount { BankId = "bank-a", AccountToken = "tok" },
                };
                // A bank keeps resending the same request until it is acknowledged (bounded here).
                for (var attempt = 0; attempt < 40 && !stop.IsCancellationRequested; attempt++)
                {
                    var alive = silos.Where(s => s.Alive).ToList();
                    if (alive.Count == 0) return;
                    var silo = alive[Interlocked.Increment(ref next) % alive.Count];
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        var response = await new Citizens.CitizensClient(silo.Channel).EnrollAsync(request,
                            new Metadata { { "authorization", "Bearer dev-bank-a" } }, deadline: DateTime.UtcNow + Deadline);
                        Acknowledged[response.FirstPayout.PayoutId] = citizen;
                        Successes.Enqueue(DateTime.UtcNow);
                        break;
                    }
                    catch (RpcException e)
                    {
                        Failures.Enqueue((DateTime.UtcNow, e.StatusCode, watch.Elapsed));
                        await Task.Delay(100, CancellationToken.None);
                    }
                }
            }
        }));
    }
}
