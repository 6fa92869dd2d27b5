using FloorPay.Silo;

if (args.Length > 0 && args[0] == "migrate")
{
    // `FloorPay.Silo migrate`: apply pending schema migrations and exit.
    var config = new ConfigurationBuilder()
        .AddInMemoryCollection(FloorPayHost.Defaults)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args[1..])
        .Build();
    var storage = config.GetSection("FloorPay:Storage").Get<StorageSettings>() ?? new StorageSettings();
    var applied = await new SchemaMigrator(storage).MigrateAsync();
    Console.WriteLine(applied.Count == 0 ? "schema is current" : $"applied migrations: {string.Join(", ", applied)}");
    return 0;
}

if (args.Length > 0 && args[0] == "audit")
{
    // `FloorPay.Silo audit export --out DIR` / `audit verify DIR [--public-key FILE]` (docs/audit-format.md).
    var config = new ConfigurationBuilder()
        .AddInMemoryCollection(FloorPayHost.Defaults)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args.Where(a => a.StartsWith("--FloorPay:", StringComparison.Ordinal)).ToArray())
        .Build();
    return await FloorPay.Silo.AuditTrail.AuditCommand.RunAsync(args[1..].Where(a => !a.StartsWith("--FloorPay:", StringComparison.Ordinal)).ToArray(), config);
}

if (args.Length > 0 && args[0] == "reconcile") return await ReconcileCommand.RunAsync(args[1..]);

var app = await FloorPayHost.BuildAsync(args);
app.Lifetime.ApplicationStarted.Register(() =>
{
    var c = app.Configuration;
    var (grpc, json) = ($"http://{c["FloorPay:Listen:Address"]}:{c["FloorPay:Listen:GrpcPort"]}", $"http://{c["FloorPay:Listen:Address"]}:{c["FloorPay:Listen:HttpPort"]}/v1/...");
    var management = $"http://{c["FloorPay:Management:Address"]}:{c["FloorPay:Management:Port"]}/metrics, /health/live, /health/ready";
    if (string.Equals(c["FloorPay:Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
    {
        // A log collector reads one JSON object per line: the banner is an event like any other.
        app.Logger.LogInformation("FloorPay is serving ({Environment}): gRPC {Grpc}, JSON {Json}, management {Management}, data {Data}",
            app.Environment.EnvironmentName, grpc, json, management, FloorPayHost.DataLocation(app));
        return;
    }
    Console.WriteLine($"FloorPay is serving ({app.Environment.EnvironmentName}):");
    Console.WriteLine($"  gRPC (HTTP/2, h2c):  {grpc}");
    Console.WriteLine($"  JSON over HTTP:      {json}");
    Console.WriteLine($"  metrics and health:  {management}");
    Console.WriteLine($"  data:                {FloorPayHost.DataLocation(app)}");
});
await app.RunAsync();
return 0;
