using System.Net;
using System.Net.Sockets;
using FloorPay.Silo;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// One real FloorPay process-in-a-process: the Orleans silo and the gRPC gateway built by <see cref="FloorPayHost.BuildAsync"/>,
/// listening on free loopback ports, storing state in a SQLite file under its own data directory.
/// Clients talk to it over real sockets: h2c gRPC on <see cref="GrpcPort"/>, JSON over HTTP/1.1 on <see cref="HttpPort"/>.
/// </summary>
public sealed class FloorPayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDataDirectory;
    private bool _stopped;

    private FloorPayServer(WebApplication app, string dataDirectory, bool ownsDataDirectory, int grpcPort, int httpPort, int managementPort)
    {
        _app = app;
        _ownsDataDirectory = ownsDataDirectory;
        DataDirectory = dataDirectory;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        ManagementPort = managementPort;
        Management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string DataDirectory { get; }

    /// <summary>The SQLite database the server writes (see StorageSettings.SqliteFile).</summary>
    public string DatabaseFile => Path.Combine(DataDirectory, "floorpay.db");

    public int GrpcPort { get; }

    public int HttpPort { get; }

    /// <summary>The management listener: /metrics and /health/*, apart from the API ports.</summary>
    public int ManagementPort { get; }

    /// <summary>An HTTP client for the management port.</summary>
    public HttpClient Management { get; }

    /// <summary>A real loopback h2c channel to the gRPC port.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>An HTTP client for the JSON-transcoding port.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server in Development (demo participants) on free ports. Without <paramref name="dataDirectory"/> a fresh temporary
    /// directory is used and deleted on dispose; a given directory is kept, so that a later server can reopen it.
    /// </summary>
    public static async Task<FloorPayServer> StartAsync(string? dataDirectory = null, Action<WebApplicationBuilder>? configure = null)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= NewDataDirectory();
        // A port found free can be taken by a parallel test before this host binds it: start again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            try { return await StartOnFreePortsAsync(dataDirectory, owns, configure); }
            catch (Exception e) when (attempt < 4 && AddressInUse(e)) { }
        }
    }

    private static bool AddressInUse(Exception e) =>
        e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } or Microsoft.AspNetCore.Connections.AddressInUseException ||
        (e is AggregateException a && a.InnerExceptions.Any(AddressInUse)) || (e.InnerException is { } inner && AddressInUse(inner));

    private static async Task<FloorPayServer> StartOnFreePortsAsync(string dataDirectory, bool owns, Action<WebApplicationBuilder>? configure)
    {
        var ports = FreePorts(5);
        var (grpcPort, httpPort, siloPort, gatewayPort, managementPort) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
        string[] args =
        [
            "--environment", "Development",
            $"--FloorPay:Listen:GrpcPort={grpcPort}",
            $"--FloorPay:Listen:HttpPort={httpPort}",
            $"--FloorPay:Management:Port={managementPort}",
            $"--FloorPay:Orleans:SiloPort={siloPort}",
            $"--FloorPay:Orleans:GatewayPort={gatewayPort}",
            $"--FloorPay:Storage:DataDirectory={dataDirectory}",
        ];
        var app = await FloorPayHost.BuildAsync(args, builder =>
        {
            // Quiet by default; FLOORPAY_TEST_LOGS=1 keeps the host's console log for diagnosing a failure.
            if (Environment.GetEnvironmentVariable("FLOORPAY_TEST_LOGS") != "1") builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });
        try
        {
            using var startTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await app.StartAsync(startTimeout.Token);
        }
        catch
        {
            // A host whose start failed half-way must not hang the test run in its disposal.
            try { await app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (TimeoutException) { }
            throw;
        }
        return new FloorPayServer(app, dataDirectory, owns, grpcPort, httpPort, managementPort);
    }

    /// <summary>A fresh, empty directory under the system temp folder.</summary>
    public static string NewDataDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "floorpay-gateway-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Calls made through this invoker carry "authorization: Bearer <paramref name="apiKey"/>" (none when null).</summary>
    public CallInvoker Invoker(string? apiKey) =>
        apiKey is null
            ? Channel.CreateCallInvoker()
            : Channel.CreateCallInvoker().Intercept(metadata =>
            {
                metadata.Add("authorization", $"Bearer {apiKey}");
                return metadata;
            });

    /// <summary>Typed clients for every FloorPay service, authenticated with <paramref name="apiKey"/>.</summary>
    public ApiClients As(string? apiKey) => new(Invoker(apiKey));

    /// <summary>Stops the host gracefully (idempotent); the data directory stays until dispose.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        Channel.Dispose();
        Http.Dispose();
        Management.Dispose();
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _app.StopAsync(stopTimeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>
    /// Stops the host without a graceful shutdown (the stop token is already cancelled): grains are not deactivated
    /// cleanly and in-flight work is abandoned, as close to a crash as an in-process host gets.
    /// </summary>
    public async Task KillAsync()
    {
        if (_stopped) return;
        _stopped = true;
        Channel.Dispose();
        Http.Dispose();
        Management.Dispose();
        try
        {
            await _app.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException) { }
        finally
        {
            await _app.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (!_ownsDataDirectory) return;
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Distinct free loopback ports: all listeners are held open together, so no port is handed out twice.</summary>
    internal static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
