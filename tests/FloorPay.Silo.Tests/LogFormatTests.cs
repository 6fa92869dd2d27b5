using System.Text.Json;
using FloorPay.V1;
using Grpc.Core;

namespace FloorPay.Silo.Tests;

/// <summary>
/// FloorPay:Logging:Format=json: a real silo process writes one JSON object per line, calls' lines carry the trace id
/// of their request, and Orleans' per-activation placement lines (Polly, at Information) are not written.
/// </summary>
public sealed class LogFormatTests : IAsyncLifetime
{
    private readonly string _logs = Directory.CreateTempSubdirectory("floorpay-logs-").FullName;
    private StorageSettings _storage = null!;
    private SiloProcess? _silo;

    public async Task InitializeAsync() => _storage = await TestStores.FreshAsync(StorageProvider.PostgreSql);

    public async Task DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line_with_trace_ids_and_no_per_activation_noise()
    {
        // Request lines at Information, so that calls log something of their own.
        _silo = SiloProcess.Start(_storage.ConnectionString!, $"logs-{Guid.NewGuid():N}"[..20], _logs,
            "--FloorPay:Logging:Format=json", "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information");
        await _silo.WaitUntilServingAsync(TimeSpan.FromMinutes(2));
        var bank = new Metadata { { "authorization", "Bearer dev-bank-a" } };
        var citizens = new Citizens.CitizensClient(_silo.Channel);
        for (var i = 0; i < 5; i++) // new citizens: each a new activation, placed through Orleans' resilience pipeline
            await citizens.EnrollAsync(new EnrollRequest
            {
                IdempotencyKey = $"log-{i}", CitizenId = $"log-{Guid.NewGuid():N}", RegionId = "R-NORTH",
                PayoutAccount = new PayoutAccount { BankId = "bank-a", AccountToken = $"tok-{Guid.NewGuid():N}" },
            }, bank);
        await _silo.StopAsync();

        var lines = File.ReadAllLines(_silo.LogFile).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(lines);
        var events = lines.Select(l =>
        {
            try { return JsonDocument.Parse(l).RootElement; }
            catch (JsonException e) { throw new Xunit.Sdk.XunitException($"not a JSON line: {l} ({e.Message})"); }
        }).ToList();
        Assert.Contains(events, e => e.GetProperty("Message").GetString()!.StartsWith("FloorPay is serving", StringComparison.Ordinal));

        var enrollLines = events.Where(e => e.GetProperty("Message").GetString()!.Contains("/floorpay.v1.Citizens/Enroll", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(enrollLines);
        Assert.All(enrollLines, e =>
        {
            var traceIds = e.GetProperty("Scopes").EnumerateArray()
                .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out _))
                .Select(s => s.GetProperty("TraceId").GetString()).ToList();
            Assert.Matches("^[0-9a-f]{32}$", Assert.Single(traceIds));
        });
        Assert.DoesNotContain(events, e => e.GetProperty("Category").GetString()!.StartsWith("Polly", StringComparison.Ordinal) &&
                                           e.GetProperty("LogLevel").GetString() == "Information");
    }
}
