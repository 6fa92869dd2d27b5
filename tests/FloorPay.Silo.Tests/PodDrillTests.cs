using System.Diagnostics;

namespace FloorPay.Silo.Tests;

/// <summary>
/// The Kubernetes drills of scripts/podnet.sh in their short form: the production overlay's silo pods as processes in
/// network namespaces of their own, PostgreSQL in another, the load runner in a third, through an endpoints file. Each
/// drill passes only if the runner's integrity check passes (no payout paid twice, every acknowledged payout in the
/// ledger), no call failed with a status that is not a defined refusal, and the drill's own checks hold.
/// </summary>
[Collection(ClusterDrillCollection.Name)]
public sealed class PodDrillTests
{
    [Theory]
    [InlineData("rolling-update")]
    [InlineData("scale-out")]
    [InlineData("pod-kill")]
    [InlineData("partition")]
    public async Task The_drill_passes_on_pod_like_hosts(string drill)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(RepositoryRoot(), "scripts", "podnet.sh"), drill, "--short" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(12));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, $"scripts/podnet.sh {drill} --short exited {process.ExitCode}:\n{output}");
        Assert.Contains("Integrity check: **passed**", output);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FloorPay.sln"))) return dir.FullName;
        throw new InvalidOperationException("FloorPay.sln not found above the test assembly");
    }
}
