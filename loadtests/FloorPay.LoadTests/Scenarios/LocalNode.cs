using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FloorPay.LoadTests.Scenarios;

/// <summary>
/// A single FloorPay node started for a quick try (--local): the silo built in this repository, Development keys,
/// embedded SQLite in a temporary directory (unless --local-arg names other storage), on free loopback ports.
/// Stopped and deleted afterwards.
/// </summary>
public sealed class LocalNode : IAsyncDisposable
{
    private readonly string _silo;
    private readonly string _data;
    private readonly int[] _ports;
    private readonly List<string> _arguments;
    private readonly StreamWriter? _log;
    private readonly IntPtr? _cpus;
    private Process _process = null!;

    public string Address => $"http://127.0.0.1:{_ports[0]}";

    private LocalNode(string silo, string data, int[] ports, List<string> arguments, string? logFile, IntPtr? cpus)
    {
        _cpus = cpus;
        _log = logFile is null ? null : new StreamWriter(logFile, append: true) { AutoFlush = true };
        _silo = silo;
        _data = data;
        _ports = ports;
        _arguments = arguments;
    }

    /// <param name="extraArguments">More configuration for the node, e.g. --FloorPay:Admission:MaxWritesInFlight=256.</param>
    /// <param name="logFile">Where the node's output goes (--local-log); discarded when null.</param>
    /// <param name="cpus">The CPUs the node may run on (--local-cpus 0,1), e.g. to keep it off the runner's; all when null.</param>
    public static async Task<LocalNode> StartAsync(IEnumerable<string> extraArguments, string? logFile = null, string? cpus = null)
    {
        var silo = FindSilo() ?? throw new ArgumentException("--local needs the silo built: dotnet build -c Release silo/FloorPay.Silo");
        var data = Directory.CreateTempSubdirectory("floorpay-local-").FullName;
        var ports = Enumerable.Range(0, 5).Select(_ => FreePort()).ToArray();
        var node = new LocalNode(silo, data, ports, extraArguments.ToList(), logFile, CpuMask(cpus));
        await node.StartProcessAsync();
        return node;
    }

    /// <summary>
    /// Stops the node gracefully (SIGTERM: aggregates flushed, nothing lost) and starts it again on the same storage and
    /// ports with more configuration, e.g. a drill clock moved to the next period.
    /// </summary>
    public async Task RestartAsync(IEnumerable<string> moreArguments)
    {
        await StopAsync();
        _arguments.AddRange(moreArguments);
        await StartProcessAsync();
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                _silo, $"--FloorPay:Storage:DataDirectory={_data}", $"--FloorPay:Listen:GrpcPort={_ports[0]}", $"--FloorPay:Listen:HttpPort={_ports[1]}",
                $"--FloorPay:Orleans:SiloPort={_ports[2]}", $"--FloorPay:Orleans:GatewayPort={_ports[3]}",
                $"--FloorPay:Management:Port={_ports[4]}", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in _arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        _process = Process.Start(start)!;
        if (_cpus is { } mask && (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())) _process.ProcessorAffinity = mask;
        _process.OutputDataReceived += (_, e) => Log(e.Data);
        _process.ErrorDataReceived += (_, e) => Log(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 720; i++) // three minutes: a restarted cluster member may first wait out its old entry
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{_ports[4]}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            if (_process.HasExited) break;
            await Task.Delay(250);
        }
        _process.Kill(entireProcessTree: true);
        throw new ArgumentException("the local FloorPay node did not become ready");
    }

    private async Task StopAsync()
    {
        if (_process.HasExited) return;
        if (!OperatingSystem.IsWindows() && kill(_process.Id, 15) == 0)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
                return;
            }
            catch (OperationCanceledException) { }
        }
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private static IntPtr? CpuMask(string? cpus)
    {
        if (string.IsNullOrWhiteSpace(cpus)) return null;
        long mask = 0;
        foreach (var cpu in cpus.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(cpu, out var n) || n < 0 || n >= Environment.ProcessorCount)
                throw new ArgumentException($"--local-cpus: '{cpu}' is not a CPU of this machine (0-{Environment.ProcessorCount - 1})");
            mask |= 1L << n;
        }
        return (IntPtr)mask;
    }

    private void Log(string? line)
    {
        if (_log is null || line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>The silo of this repository built in the runner's own configuration (Release or Debug), else the other one.</summary>
    private static string? FindSilo()
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name; // .../bin/<Configuration>/net10.0/
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var built = new[] { "Release", "Debug" }.OrderBy(c => c == own ? 0 : 1)
                .Select(c => Path.Combine(dir.FullName, "silo", "FloorPay.Silo", "bin", c, "net10.0", "FloorPay.Silo.dll"))
                .FirstOrDefault(File.Exists);
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
        if (_log is not null) lock (_log) _log.Dispose();
    }
}
