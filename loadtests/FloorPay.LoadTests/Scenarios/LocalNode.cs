using System.Diagnostics;
using System.Net.Sockets;

namespace FloorPay.LoadTests.Scenarios;

/// <summary>
/// A single FloorPay node started for a quick try (--local): the silo built in this repository, Development keys,
/// embedded SQLite in a temporary directory, on free loopback ports. Stopped and deleted afterwards.
/// </summary>
public sealed class LocalNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _data;

    public string Address { get; }

    private LocalNode(Process process, string data, string address)
    {
        _process = process;
        _data = data;
        Address = address;
    }

    /// <param name="extraArguments">More configuration for the node, e.g. --FloorPay:Admission:MaxWritesInFlight=256.</param>
    public static async Task<LocalNode> StartAsync(IEnumerable<string> extraArguments)
    {
        var silo = FindSilo() ?? throw new ArgumentException("--local needs the silo built: dotnet build -c Release silo/FloorPay.Silo");
        var data = Directory.CreateTempSubdirectory("floorpay-local-").FullName;
        var ports = Enumerable.Range(0, 4).Select(_ => FreePort()).ToArray();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                silo, $"--FloorPay:Storage:DataDirectory={data}", $"--FloorPay:Listen:GrpcPort={ports[0]}", $"--FloorPay:Listen:HttpPort={ports[1]}",
                $"--FloorPay:Orleans:SiloPort={ports[2]}", $"--FloorPay:Orleans:GatewayPort={ports[3]}", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in extraArguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 240; i++)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{ports[1]}/health/ready")).IsSuccessStatusCode)
                    return new LocalNode(process, data, $"http://127.0.0.1:{ports[0]}");
            }
            catch (HttpRequestException) { }
            if (process.HasExited) break;
            await Task.Delay(250);
        }
        process.Kill(entireProcessTree: true);
        throw new ArgumentException("the local FloorPay node did not become ready");
    }

    /// <summary>The most recently built silo of this repository (Release or Debug).</summary>
    private static string? FindSilo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var built = new[] { "Release", "Debug" }
                .Select(c => Path.Combine(dir.FullName, "silo", "FloorPay.Silo", "bin", c, "net10.0", "FloorPay.Silo.dll"))
                .Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            if (built is not null) return built;
        }
        return null;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
