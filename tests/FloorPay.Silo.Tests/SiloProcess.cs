using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FloorPay.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FloorPay.Silo.Tests;

/// <summary>
/// One real FloorPay silo process (the built FloorPay.Silo.dll, run with `dotnet`), in Development so the demo keys work,
/// on free loopback ports, in a PostgreSQL cluster. Killed with SIGKILL for crash drills.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, int grpcPort, string logFile)
    {
        _process = process;
        GrpcPort = grpcPort;
        LogFile = logFile;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public int GrpcPort { get; }

    public string LogFile { get; }

    public GrpcChannel Channel { get; }

    public bool Alive => !_process.HasExited;

    /// <param name="configuration">More configuration, e.g. a drill clock: --FloorPay:Clock:Offset=32.00:00:00.</param>
    public static SiloProcess Start(string connectionString, string clusterId, string logDirectory, params string[] configuration)
    {
        var ports = FreePorts(5);
        var log = Path.Combine(logDirectory, $"silo-{ports[0]}.log");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            SiloDll,
            "--FloorPay:Storage:Provider=PostgreSql", $"--FloorPay:Storage:ConnectionString={connectionString}",
            $"--FloorPay:Orleans:ClusterId={clusterId}",
            $"--FloorPay:Listen:GrpcPort={ports[0]}", $"--FloorPay:Listen:HttpPort={ports[1]}",
            $"--FloorPay:Orleans:SiloPort={ports[2]}", $"--FloorPay:Orleans:GatewayPort={ports[3]}", $"--FloorPay:Management:Port={ports[4]}",
        }.Concat(configuration)) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var process = Process.Start(start)!;
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process, ports[0], log);
    }

    /// <summary>Waits until the gateway answers a real call (the policy) within <paramref name="timeout"/>.</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!Alive) throw new InvalidOperationException($"silo exited early:\n{Tail()}");
            try
            {
                await new Policies.PoliciesClient(Channel).GetPolicyAsync(new GetPolicyRequest(),
                    new Metadata { { "authorization", "Bearer dev-auditor" } }, deadline: DateTime.UtcNow.AddSeconds(2));
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>SIGTERM: a normal shutdown (the silo leaves the cluster); waits for the process to exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        if (kill(_process.Id, 15) != 0) _process.Kill(entireProcessTree: true);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(patience.Token);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>SIGSTOP: the process freezes with its sockets open (a stalled VM, a long GC pause); <see cref="Thaw"/> resumes it.</summary>
    public void Freeze() => kill(_process.Id, 19);

    public void Thaw() => kill(_process.Id, 18);

    /// <summary>kill -9: no shutdown, no flush, nothing.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public string Tail(int lines = 40)
    {
        try { return string.Join('\n', File.ReadLines(LogFile).TakeLast(lines)); }
        catch (IOException) { return "(no log)"; }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>The silo the solution built, found from this test assembly's own build configuration.</summary>
    private static string SiloDll
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = dir.Parent!.Name; // .../bin/<Configuration>/net10.0/
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FloorPay.sln"))) dir = dir.Parent;
            var dll = Path.Combine(dir!.FullName, "silo", "FloorPay.Silo", "bin", configuration, "net10.0", "FloorPay.Silo.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build the solution first", dll);
        }
    }

    // Listen ports come from below the kernel's ephemeral range (32768 and up by default): a port found free there could
    // be taken by another process's outgoing connection (a silo's PostgreSQL pool) before the silo binds it.
    private static int _nextPort = Random.Shared.Next(0, 10_000);

    internal static int[] FreePorts(int count)
    {
        var ports = new List<int>(count);
        while (ports.Count < count)
        {
            var port = 20_000 + Interlocked.Increment(ref _nextPort) % 12_000;
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                ports.Add(port);
            }
            catch (SocketException)
            {
                // In use: try the next one.
            }
            finally
            {
                listener.Stop();
            }
        }
        return [.. ports];
    }
}
