using System.Net;
using FloorPay.LoadTests;
using FloorPay.LoadTests.Scenarios;

// FloorPay load tests: `run SCENARIO` (the surge runner) and `payouts` (the payout benchmark of docs/benchmarks.md).
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

if (args.Length > 0 && args[0] == "run") return await Cli.RunAsync(args[1..], FloorPayScenarios.ResolveAsync);

if (args.Length == 0 || args[0] is "--help" or "-h" || args[0] != "payouts")
{
    Console.WriteLine(Cli.Usage);
    Console.WriteLine();
    Console.WriteLine("""
        usage: FloorPay.LoadTests payouts [options]
          --address URL       gRPC address of a FloorPay gateway (default http://127.0.0.1:5080)
          --api-key KEY       a bank's API key (default dev-bank-a)
          --bank ID           that bank's id (default bank-a)
          --duration S        measured seconds per run (default 20)
          --warmup S          unmeasured seconds before each run (default 5)
          --concurrency N     closed-model clients (default 64; 0 skips the closed run)
          --rate R            open-model arrivals per second (default 2000; 0 skips the open run)
          --bulk N            also run bulk envelopes of N enrollments (closed model; default 0 = skip)
          --bulk-clients N    clients sending envelopes at once in the bulk run (default 4)
        Each request enrolls a new citizen: one durable floor payout, acknowledged after the ledger commit. The load
        runner drives it (the enrollment-surge scenario, without its closing integrity check).
        Prints one Markdown table row per run.
        """);
    return args.Length == 0 || args[0] is "--help" or "-h" ? 0 : 2;
}

var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan };
using var channel = GrpcChannel.ForAddress(Option("--address", "http://127.0.0.1:5080"), new GrpcChannelOptions { HttpHandler = handler });
var bench = new PayoutBenchmark(channel, Option("--api-key", "dev-bank-a"), Option("--bank", "bank-a"));
var duration = TimeSpan.FromSeconds(int.Parse(Option("--duration", "20")));
var warmUp = TimeSpan.FromSeconds(int.Parse(Option("--warmup", "5")));
var concurrency = int.Parse(Option("--concurrency", "64"));
var rate = int.Parse(Option("--rate", "2000"));

Console.WriteLine(PayoutBenchmark.Header);
// The fixed-rate run goes first, on a fresh process; the capacity run then pushes it as hard as it goes.
if (rate > 0) Console.WriteLine(await bench.OpenAsync("fixed rate", rate, duration, warmUp, maxInFlight: 4096));
if (concurrency > 0) Console.WriteLine(await bench.ClosedAsync("capacity", concurrency, duration, warmUp));
var bulkSize = int.Parse(Option("--bulk", "0"));
if (bulkSize > 0) Console.WriteLine(await bench.BulkAsync("bulk capacity", int.Parse(Option("--bulk-clients", "4")), bulkSize, duration, warmUp));
return 0;
