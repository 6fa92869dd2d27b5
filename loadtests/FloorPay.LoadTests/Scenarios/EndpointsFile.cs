using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.LoadTests.Scenarios;

/// <summary>
/// A Kubernetes Service's endpoints as a file, one <c>host:port</c> per line, rewritten by whoever starts and stops
/// the pods (scripts/podnet.sh): the channel re-reads it every second and spreads calls round robin over the ready
/// addresses it lists, as kube-proxy spreads connections over a Service's ready endpoints.
/// </summary>
public static class EndpointsFile
{
    public const string Scheme = "endpoints";

    public static GrpcChannel Channel(string path, GrpcChannelOptions options)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new FileResolverFactory(Path.GetFullPath(path)));
        options.ServiceProvider = services.BuildServiceProvider();
        options.Credentials = ChannelCredentials.Insecure;
        options.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
        return GrpcChannel.ForAddress($"{Scheme}:///service", options);
    }

    /// <summary>The addresses a file lists (blank lines and # comments skipped).</summary>
    public static IReadOnlyList<BalancerAddress> Read(string path) =>
        !File.Exists(path) ? [] : File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.LastIndexOf(':') is var colon and > 0 && int.TryParse(l[(colon + 1)..], out var port)
                ? new BalancerAddress(l[..colon], port)
                : throw new FormatException($"{path}: '{l}' is not host:port"))
            .ToList();

    private sealed class FileResolverFactory(string path) : ResolverFactory
    {
        public override string Name => Scheme;

        public override Resolver Create(ResolverOptions options) => new FileResolver(path);
    }

    /// <summary>Reads the file at start and every second after, and reports its addresses whenever they change.</summary>
    private sealed class FileResolver(string path) : Resolver
    {
        private Action<ResolverResult>? _listener;
        private Timer? _poll;
        private string? _last;
        private int _polling;

        public override void Start(Action<ResolverResult> listener)
        {
            _listener = listener;
            _poll = new Timer(_ => Poll(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }

        // Never on the caller's thread: the channel calls Refresh while it holds its own lock, and the listener takes
        // that lock; polling here, under a lock of ours, deadlocked the two (seen in a test run that hung).
        public override void Refresh() => ThreadPool.QueueUserWorkItem(_ => Poll());

        private void Poll()
        {
            // One poll at a time, so results reach the listener in the order the file was read; a poll skipped here is
            // made by the timer within a second.
            if (Interlocked.Exchange(ref _polling, 1) != 0) return;
            try
            {
                ResolverResult result;
                string text;
                try
                {
                    text = File.Exists(path) ? File.ReadAllText(path) : "";
                    var addresses = Read(path);
                    // No endpoints: reported as a resolver failure, on which a gRPC channel keeps the addresses it had (a
                    // Service without ready pods would refuse connections instead); the drills never empty the list.
                    result = addresses.Count > 0 ? ResolverResult.ForResult(addresses)
                        : ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"no endpoints listed in {path}"));
                }
                catch (Exception e) when (e is IOException or FormatException)
                {
                    text = e.Message;
                    result = ResolverResult.ForFailure(new Status(StatusCode.Unavailable, e.Message));
                }
                if (text == _last) return;
                _last = text;
                _listener?.Invoke(result);
            }
            finally
            {
                Volatile.Write(ref _polling, 0);
            }
        }

        protected override void Dispose(bool disposing)
        {
            _poll?.Dispose();
            base.Dispose(disposing);
        }
    }
}
