using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace FloorPay.Silo.Tests;

/// <summary>
/// What can be tested of the image without a container engine: the SDK's container settings agree with the Dockerfile,
/// and the Dockerfile's published output runs with the image's command line, working directory and environment,
/// writes nothing into its own directory (the root filesystem is read-only), and stops cleanly on SIGTERM.
/// In the drill collection: its Release publish must not run beside scripts/podnet.sh's Release build.
/// </summary>
[Collection(ClusterDrillCollection.Name)]
public sealed partial class ImageTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

    [Fact]
    public void The_SDK_container_settings_agree_with_the_Dockerfile()
    {
        var project = XDocument.Load(Path.Combine(Root, "silo", "FloorPay.Silo", "FloorPay.Silo.csproj"));
        var items = (string name) => project.Descendants(name);
        var property = (string name) => project.Descendants(name).Single().Value;

        Assert.Equal(Exposed().Order(), items("ContainerPort").Select(p => int.Parse(p.Attribute("Include")!.Value)).Order());
        Assert.Equal(ImageEnvironment().OrderBy(e => e.Key),
            items("ContainerEnvironmentVariable").Select(e => KeyValuePair.Create(e.Attribute("Include")!.Value, e.Attribute("Value")!.Value)).OrderBy(e => e.Key));
        Assert.Equal("1654", property("ContainerUser")); // the chiseled image's app user, $APP_UID, that the Dockerfile runs as
        Assert.Contains("USER $APP_UID", Dockerfile);
        Assert.Equal(Single(WorkdirLine(), Dockerfile), property("ContainerWorkingDirectory"));
        Assert.EndsWith($"{property("ContainerFamily")}", Single(RuntimeImageLine(), Dockerfile));
    }

    [Fact]
    public async Task The_published_output_runs_with_the_image_s_command_line_and_environment()
    {
        var work = Directory.CreateTempSubdirectory("floorpay-image-").FullName;
        var app = Path.Combine(work, "app");
        // The Dockerfile's publish, into this folder instead of /app (and restoring, as the build stage did before it).
        var publish = Single(PublishLine(), Dockerfile).Replace("--no-restore", "").Replace("-o /app", $"-o {app}");
        var (code, output) = await RunAsync("dotnet", publish.Split(' ', StringSplitOptions.RemoveEmptyEntries), Root, TimeSpan.FromMinutes(8));
        Assert.True(code == 0, $"dotnet {publish} failed:\n{output}");
        var before = Listing(app);

        // The image's environment; the container's own ports and /data volume become free loopback ports and a folder
        // here, and the participants come from the cluster's Secret, as in k8s/.
        var ports = SiloProcess.FreePorts(5);
        var environment = new Dictionary<string, string>(ImageEnvironment())
        {
            ["FloorPay__Storage__DataDirectory"] = Path.Combine(work, "data"),
            ["FloorPay__Listen__GrpcPort"] = $"{ports[0]}", ["FloorPay__Listen__HttpPort"] = $"{ports[1]}",
            ["FloorPay__Orleans__SiloPort"] = $"{ports[2]}", ["FloorPay__Orleans__GatewayPort"] = $"{ports[3]}",
            ["FloorPay__Management__Port"] = $"{ports[4]}",
            ["FloorPay__Participants__0__Id"] = "auditor", ["FloorPay__Participants__0__Role"] = "auditor",
            ["FloorPay__Participants__0__ApiKeySha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("image-test-key"u8)),
        };
        Directory.CreateDirectory(environment["FloorPay__Storage__DataDirectory"]);
        var entrypoint = JsonSerializer.Deserialize<string[]>(Single(EntrypointLine(), Dockerfile))!;
        var start = new ProcessStartInfo(entrypoint[0]) { WorkingDirectory = app, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in entrypoint[1..]) start.ArgumentList.Add(a);
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT" })
            if (System.Environment.GetEnvironmentVariable(name) is { } value) start.Environment[name] = value;
        foreach (var (name, value) in environment) start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[4]}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(120);
            HttpStatusCode? ready = null;
            while (ready != HttpStatusCode.OK && DateTime.UtcNow < deadline && !process.HasExited)
            {
                try { ready = (await http.GetAsync("/health/ready")).StatusCode; }
                catch (HttpRequestException) { await Task.Delay(500); }
                catch (TaskCanceledException) { }
            }
            Assert.True(ready == HttpStatusCode.OK, $"the published silo never became ready ({ready}):\n{log}");

            // It serves the API with the configured participant on the image's JSON port setting.
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[1]}") };
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "image-test-key");
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/policy")).StatusCode);

            // SIGTERM, as the kubelet stops it: a clean exit well within the manifest's grace period.
            Assert.Equal(0, kill(process.Id, 15));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(55));
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode} after SIGTERM:\n{log}");
            Assert.Equal(before, Listing(app)); // nothing written under /app: the read-only root filesystem holds
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(environment["FloorPay__Storage__DataDirectory"])); // the SQLite file is on the volume
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static IEnumerable<int> Exposed() => Single(ExposeLine(), Dockerfile).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);

    /// <summary>The run stage's ENV instruction, continuation lines included.</summary>
    private static Dictionary<string, string> ImageEnvironment()
    {
        var env = Single(EnvInstruction(), Dockerfile).Replace("\\\n", " ");
        return env.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }

    private static string Single(Regex pattern, string text)
    {
        var matches = pattern.Matches(text);
        Assert.True(matches.Count == 1, $"expected one match of {pattern} in the Dockerfile, found {matches.Count}");
        return matches[0].Groups[1].Value.Trim();
    }

    private static List<string> Listing(string dir) =>
        [.. Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Select(p => p[dir.Length..]).Order()];

    private static async Task<(int Code, string Output)> RunAsync(string program, IEnumerable<string> arguments, string directory, TimeSpan limit)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(limit);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FloorPay.sln"))) return dir.FullName;
        throw new InvalidOperationException("FloorPay.sln not found above the test assembly");
    }

    [GeneratedRegex(@"^EXPOSE (.+)$", RegexOptions.Multiline)]
    private static partial Regex ExposeLine();

    [GeneratedRegex(@"^ENV ((?:[^\n]*\\\n)*[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex EnvInstruction();

    [GeneratedRegex(@"^ENTRYPOINT (\[.*\])$", RegexOptions.Multiline)]
    private static partial Regex EntrypointLine();

    [GeneratedRegex(@"^FROM \$\{RUNTIME_IMAGE\} AS runtime\nWORKDIR (\S+)$", RegexOptions.Multiline)]
    private static partial Regex WorkdirLine();

    [GeneratedRegex(@"^ARG RUNTIME_IMAGE=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex RuntimeImageLine();

    [GeneratedRegex(@"^RUN dotnet (publish [^\\\n]+?)\s*\\?$", RegexOptions.Multiline)]
    private static partial Regex PublishLine();
}
