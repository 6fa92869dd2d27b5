using System.Diagnostics;
using System.Net;
using System.Text;
using FloorPay.Domain;
using FloorPay.Gateway.Auth;
using FloorPay.Grains;
using FloorPay.Silo;
using FloorPay.Silo.Storage;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// The Kubernetes manifests (k8s/) against the application, without a cluster: each overlay renders with kubectl,
/// every object validates against the Kubernetes schemas offline (k8s/validate), and the silo container uses only
/// configuration keys, ports and probe paths the application has, with every key it requires set.
/// </summary>
public sealed class KubernetesManifestTests
{
    public static TheoryData<string> Overlays => new() { "dev", "production" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_overlay_renders_and_every_object_validates_against_the_Kubernetes_schemas(string overlay)
    {
        var rendered = await RenderAsync(overlay);
        var validator = Path.Combine(RepositoryRoot, "k8s", "validate");
        Assert.True(Directory.Exists(Path.Combine(validator, "node_modules")),
            "k8s/validate has no node_modules: run `npm ci` there (scripts/test.sh does)");

        var (code, output) = await RunAsync("node", [Path.Combine(validator, "validate.mjs")], rendered);

        Assert.True(code == 0, output);
        Assert.Matches(@"\d+ objects valid", output);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_silo_sets_only_configuration_keys_the_application_reads_with_values_it_accepts(string overlay)
    {
        var pod = SiloPod.From(await RenderAsync(overlay));

        foreach (var name in pod.Environment.Keys)
            Assert.True(name.StartsWith("FloorPay__", StringComparison.Ordinal) || OtherVariables.Contains(name),
                $"{overlay}: environment variable {name} is read by nothing");
        var configuration = pod.Configuration();
        foreach (var key in configuration.AsEnumerable().Where(k => k.Value is not null).Select(k => k.Key))
            Assert.True(IsKnown(key), $"{overlay}: configuration key {key} is read by nothing in the application");
        // Each bound section binds without an unknown key and with values of the right type.
        foreach (var (section, type) in BoundSections)
            configuration.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true);
        foreach (var key in IntegerKeys)
            Assert.True(configuration[key] is null || int.TryParse(configuration[key], out _), $"{overlay}: {key} = {configuration[key]} is not a number");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_silo_has_every_key_the_application_requires_for_its_storage_cluster_and_participants(string overlay)
    {
        var pod = SiloPod.From(await RenderAsync(overlay));
        var configuration = pod.Configuration();
        var storage = configuration.GetSection("FloorPay:Storage").Get<StorageSettings>() ?? new StorageSettings();

        // A pod must listen on its own address, not on loopback (the application's default).
        Assert.Equal("0.0.0.0", configuration["FloorPay:Listen:Address"]);
        Assert.Equal("0.0.0.0", configuration["FloorPay:Management:Address"]);
        if (storage.Provider == StorageProvider.PostgreSql)
        {
            Assert.False(string.IsNullOrWhiteSpace(storage.ConnectionString), $"{overlay}: PostgreSQL without a connection string");
            // Every silo advertises its pod IP to the others (the membership table), and listens on it.
            Assert.Equal(SiloPod.PodIp, configuration["FloorPay:Orleans:AdvertisedAddress"]);
            Assert.Equal("true", configuration["FloorPay:Orleans:ListenOnAnyAddress"], ignoreCase: true);
        }
        else
        {
            // One writer on one SQLite file: one pod, replaced (never two at once), with its file on a volume.
            Assert.Equal(1, pod.Replicas);
            Assert.Equal("Recreate", pod.Strategy);
            Assert.Contains(pod.VolumeMounts, m => storage.DataDirectory.StartsWith(m, StringComparison.Ordinal));
        }

        // Participants: from a Secret the overlay renders, or (production) one the operator creates, as k8s/README.md says.
        if (pod.ExternalSecrets.Contains("floorpay-participants"))
            Assert.Contains("create secret generic floorpay-participants", await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "k8s", "README.md")));
        else
        {
            var participants = configuration.GetSection("FloorPay:Participants").Get<List<ParticipantConfig>>() ?? [];
            Assert.NotEmpty(participants);
            Assert.All(participants, p => Assert.Matches("^[0-9a-fA-F]{64}$", p.ApiKeySha256 ?? ""));
        }
        Assert.DoesNotContain(pod.ExternalSecrets, s => s != "floorpay-participants");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_port_the_manifests_name_is_one_the_silo_listens_on(string overlay)
    {
        var rendered = await RenderAsync(overlay);
        var pod = SiloPod.From(rendered);
        var configuration = pod.Configuration(withDefaults: true);
        var listening = new Dictionary<string, int>
        {
            ["grpc"] = int.Parse(configuration["FloorPay:Listen:GrpcPort"]!),
            ["http"] = int.Parse(configuration["FloorPay:Listen:HttpPort"]!),
            ["management"] = int.Parse(configuration["FloorPay:Management:Port"]!),
            ["orleans-silo"] = int.Parse(configuration["FloorPay:Orleans:SiloPort"]!),
            ["orleans-gateway"] = int.Parse(configuration["FloorPay:Orleans:GatewayPort"]!),
        };
        Assert.Equal(listening.OrderBy(p => p.Key), pod.ContainerPorts.OrderBy(p => p.Key));

        foreach (var service in rendered.OfKind("Service"))
            foreach (var port in service.Sequence("spec", "ports"))
                Assert.True(pod.ContainerPorts.ContainsKey(port.Text("targetPort")!) || pod.ContainerPorts.ContainsValue(int.Parse(port.Text("targetPort")!)),
                    $"{overlay}: Service {service.Text("metadata", "name")} targets {port.Text("targetPort")}, which the silo does not listen on");
        foreach (var probe in pod.Probes)
            Assert.Equal(listening["management"], pod.ContainerPorts[probe.Port]);
        foreach (var policy in rendered.OfKind("NetworkPolicy").Where(p => p.Text("spec", "podSelector", "matchLabels", "app.kubernetes.io/component") == "silo"))
            foreach (var rule in policy.Sequence("spec", "ingress"))
                foreach (var port in rule.Sequence("ports"))
                    Assert.True(pod.ContainerPorts.ContainsKey(port.Text("port")!) || listening.ContainsValue(int.Parse(port.Text("port")!)),
                        $"{overlay}: NetworkPolicy {policy.Text("metadata", "name")} opens {port.Text("port")}, which the silo does not listen on");
        var managementService = rendered.OfKind("Service").Single(s => s.Sequence("spec", "ports").Any(p => p.Text("targetPort") == "management"));
        foreach (var monitor in rendered.OfKind("ServiceMonitor"))
            foreach (var endpoint in monitor.Sequence("spec", "endpoints"))
            {
                Assert.Contains(managementService.Sequence("spec", "ports"), p => p.Text("name") == endpoint.Text("port"));
                Assert.Equal("/metrics", endpoint.Text("path"));
            }
    }

    [Fact]
    public async Task A_node_configured_as_the_dev_pod_serves_every_probe_path_and_the_metrics_path_on_its_management_port()
    {
        var rendered = await RenderAsync("dev");
        var pod = SiloPod.From(rendered);
        var manifest = pod.Configuration().AsEnumerable().Where(k => k.Value is not null).ToDictionary(k => k.Key, k => k.Value);
        // The pod's configuration, below the test host's command line (its free ports and temporary data directory).
        await using var server = await FloorPayServer.StartAsync(configure: builder =>
        {
            var sources = builder.Configuration.Sources;
            var commandLine = sources.Select((s, i) => (s, i)).Last(x => x.s is Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource).i;
            sources.Insert(commandLine, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = manifest });
        });

        foreach (var probe in pod.Probes)
        {
            // Readiness waits for the silo to join; a probe path that does not exist would answer 404 for ever.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            HttpStatusCode status;
            while ((status = (await server.Management.GetAsync(probe.Path)).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
                await Task.Delay(500);
            Assert.True(status == HttpStatusCode.OK, $"{probe.Kind} probe {probe.Path} answered {status}");
        }
        // Every per-pod metric the production HorizontalPodAutoscaler scales on (dev has none) is a series the node
        // exports, from the start.
        var scrape = await server.Management.GetStringAsync("/metrics");
        var podMetrics = (await RenderAsync("production")).OfKind("HorizontalPodAutoscaler").SelectMany(h => h.Sequence("spec", "metrics"))
            .Where(m => m.Text("type") == "Pods").Select(m => m.Text("pods", "metric", "name")!).ToList();
        Assert.NotEmpty(podMetrics);
        foreach (var name in podMetrics)
            Assert.Matches($"(?m)^{name}(\\{{.*\\}})? [0-9.e+-]+$", scrape);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Management.GetAsync("/health/nothing")).StatusCode); // a wrong path is seen
    }

    [Fact]
    public async Task The_alert_rules_pass_promtool_and_their_unit_tests_and_are_exactly_the_PrometheusRule_s_groups()
    {
        var rulesFile = Path.Combine(RepositoryRoot, "k8s", "alerts", "floorpay.rules.yaml");
        var testsFile = Path.Combine(RepositoryRoot, "k8s", "alerts", "floorpay.rules.test.yaml");
        var (checkCode, checkOutput) = await RunAsync("promtool", ["check", "rules", rulesFile]);
        Assert.True(checkCode == 0, $"promtool check rules: {checkOutput}");
        var (testCode, testOutput) = await RunAsync("promtool", ["test", "rules", testsFile]);
        Assert.True(testCode == 0, $"promtool test rules: {testOutput}");

        // Every alert has a case where it fires and one where it stays quiet.
        var rules = LoadYaml(rulesFile);
        var alerts = rules.Sequence("groups").SelectMany(g => g.Sequence("rules")).Select(r => r.Text("alert")!).Order().ToList();
        var checks = LoadYaml(testsFile).Sequence("tests").SelectMany(t => t.Sequence("alert_rule_test")).ToList();
        Assert.Equal(15, alerts.Count);
        foreach (var alert in alerts)
        {
            var mine = checks.Where(c => c.Text("alertname") == alert).ToList();
            Assert.True(mine.Any(c => c.Sequence("exp_alerts").Any()), $"no test where {alert} fires");
            Assert.True(mine.Any(c => !c.Sequence("exp_alerts").Any()), $"no test where {alert} stays quiet");
        }

        // The operator's PrometheusRule carries the same groups (k8s/alerts/render.sh writes it).
        var rendered = Assert.Single((await RenderAsync("production")).OfKind("PrometheusRule"));
        Assert.Equal(Canonical(rules.Children[new YamlScalarNode("groups")]),
            Canonical(((YamlMappingNode)rendered.Children[new YamlScalarNode("spec")]).Children[new YamlScalarNode("groups")]));
    }

    private static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>A YAML tree as text that ignores layout and quoting: the same data gives the same string.</summary>
    private static string Canonical(YamlNode node) => node switch
    {
        YamlScalarNode scalar => System.Text.Json.JsonSerializer.Serialize(scalar.Value),
        YamlSequenceNode sequence => "[" + string.Join(",", sequence.Children.Select(Canonical)) + "]",
        YamlMappingNode map => "{" + string.Join(",", map.Children.Select(c => Canonical(c.Key) + ":" + Canonical(c.Value)).Order(StringComparer.Ordinal)) + "}",
        _ => "?",
    };

    // Every key the application reads (FloorPayHost, Program, GatewayExtensions, DrillClock), scalar or bound section.
    private static readonly string[] ScalarKeys =
    [
        "FloorPay:Listen:Address", "FloorPay:Listen:GrpcPort", "FloorPay:Listen:HttpPort", "FloorPay:Listen:MaxStreamsPerConnection",
        "FloorPay:Listen:KeepAlivePingDelay", "FloorPay:Listen:KeepAlivePingTimeout", "FloorPay:Management:Address", "FloorPay:Management:Port",
        "FloorPay:Orleans:ServiceId", "FloorPay:Orleans:ClusterId", "FloorPay:Orleans:SiloPort", "FloorPay:Orleans:GatewayPort",
        "FloorPay:Orleans:AdvertisedAddress", "FloorPay:Orleans:ListenOnAnyAddress", "FloorPay:Orleans:ProbeTimeout", "FloorPay:Orleans:MaxProbeTimeout", "FloorPay:Orleans:MissedProbesLimit", "FloorPay:Runtime:MinThreads", "FloorPay:Policy:RefreshInterval",
        "FloorPay:Clock:Offset",
    ];

    private static readonly string[] IntegerKeys =
    [
        "FloorPay:Listen:GrpcPort", "FloorPay:Listen:HttpPort", "FloorPay:Management:Port", "FloorPay:Orleans:SiloPort", "FloorPay:Orleans:GatewayPort",
        "FloorPay:Runtime:MinThreads", "FloorPay:Orleans:MissedProbesLimit",
    ];

    private static readonly (string Section, Type Type)[] BoundSections =
    [
        ("FloorPay:Storage", typeof(StorageSettings)), ("FloorPay:Admission", typeof(AdmissionOptions)), ("FloorPay:Ledger", typeof(LedgerOptions)),
        ("FloorPay:Limits", typeof(RequestLimits)), ("FloorPay:Instructions", typeof(InstructionStreamOptions)), ("FloorPay:Dividends", typeof(DividendOptions)),
        ("FloorPay:Accounts", typeof(PayoutAccountOptions)), ("FloorPay:CitizenLimits", typeof(CitizenRecordLimits)), ("FloorPay:Payday", typeof(PaydayOptions)),
        ("FloorPay:Metrics", typeof(MetricsOptions)), ("FloorPay:Participants", typeof(List<ParticipantConfig>)),
        ("FloorPay:Policy:Versions", typeof(List<PolicySettings>)),
    ];

    private static readonly string[] ListSections = ["FloorPay:Regions", "FloorPay:Funds"];

    // Read by the .NET host, the downward API's values for a FloorPay variable to expand, and Npgsql's password variable.
    private static readonly HashSet<string> OtherVariables = ["DOTNET_ENVIRONMENT", "POD_NAME", "POD_NAMESPACE", "POD_IP", "PGPASSWORD"];

    private static bool IsKnown(string key) =>
        ScalarKeys.Contains(key, StringComparer.OrdinalIgnoreCase) ||
        BoundSections.Any(s => key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase)) ||
        ListSections.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase) && int.TryParse(key[(s.Length + 1)..], out _));

    internal static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FloorPay.sln"))) return dir.FullName;
        throw new InvalidOperationException("FloorPay.sln not found above the test assembly");
    }

    private static async Task<Manifest> RenderAsync(string overlay)
    {
        var (code, output) = await RunAsync("kubectl", ["kustomize", Path.Combine(RepositoryRoot, "k8s", "overlays", overlay)]);
        Assert.True(code == 0, $"kubectl kustomize k8s/overlays/{overlay} failed: {output}");
        return Manifest.Parse(output);
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, string[] arguments, Manifest? input = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.Text);
            process.StandardInput.Close();
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A rendered multi-document YAML stream.</summary>
    private sealed class Manifest(string text, List<YamlMappingNode> objects)
    {
        public string Text => text;

        public static Manifest Parse(string text)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return new Manifest(text, stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList());
        }

        public IEnumerable<YamlMappingNode> OfKind(string kind) => objects.Where(o => o.Text("kind") == kind);

        public YamlMappingNode? Find(string kind, string name) => OfKind(kind).FirstOrDefault(o => o.Text("metadata", "name") == name);
    }

    private sealed record Probe(string Kind, string Path, string Port);

    /// <summary>The silo container of the rendered Deployment, with its environment resolved as the kubelet would.</summary>
    private sealed class SiloPod
    {
        public const string PodIp = "10.244.1.7";

        public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);
        public HashSet<string> ExternalSecrets { get; } = [];
        public Dictionary<string, int> ContainerPorts { get; } = [];
        public List<Probe> Probes { get; } = [];
        public List<string> VolumeMounts { get; } = [];
        public int? Replicas { get; private set; }
        public string? Strategy { get; private set; }

        public static SiloPod From(Manifest manifest)
        {
            var deployment = Assert.Single(manifest.OfKind("Deployment"), d => d.Text("metadata", "name") == "floorpay-silo");
            var container = Assert.Single(deployment.Sequence("spec", "template", "spec", "containers"), c => c.Text("name") == "silo");
            var pod = new SiloPod
            {
                Replicas = deployment.Text("spec", "replicas") is { } r ? int.Parse(r) : null,
                Strategy = deployment.Text("spec", "strategy", "type"),
            };
            foreach (var source in container.Sequence("envFrom"))
            {
                if (source.Text("configMapRef", "name") is { } map)
                    foreach (var (k, v) in Data(Assert.IsType<YamlMappingNode>(manifest.Find("ConfigMap", map)), "data", decode: false)) pod.Environment[k] = v;
                if (source.Text("secretRef", "name") is { } secret)
                {
                    if (manifest.Find("Secret", secret) is { } found)
                        foreach (var (k, v) in Data(found, "data", decode: true).Concat(Data(found, "stringData", decode: false))) pod.Environment[k] = v;
                    else pod.ExternalSecrets.Add(secret);
                }
            }
            foreach (var variable in container.Sequence("env"))
            {
                var name = variable.Text("name")!;
                if (variable.Text("value") is { } value)
                    pod.Environment[name] = System.Text.RegularExpressions.Regex.Replace(value, @"\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                        m => pod.Environment.GetValueOrDefault(m.Groups[1].Value) ?? m.Value);
                else if (variable.Text("valueFrom", "fieldRef", "fieldPath") is { } field)
                    pod.Environment[name] = field switch { "status.podIP" => PodIp, "metadata.name" => "floorpay-silo-7d9f-abcde", _ => "floorpay" };
                else if (variable.Text("valueFrom", "secretKeyRef", "name") is { } secret)
                {
                    var key = variable.Text("valueFrom", "secretKeyRef", "key")!;
                    if (manifest.Find("Secret", secret) is { } found)
                        pod.Environment[name] = Data(found, "data", decode: true).Concat(Data(found, "stringData", decode: false)).FirstOrDefault(d => d.Key == key).Value;
                    // CloudNativePG creates the Secret <cluster>-app (the application user's password) for a Cluster it runs.
                    else if (secret.EndsWith("-app", StringComparison.Ordinal) && manifest.Find("Cluster", secret[..^"-app".Length]) is not null)
                        pod.Environment[name] = "(the operator's generated password)";
                    else if (variable.Text("valueFrom", "secretKeyRef", "optional") != "true")
                        pod.ExternalSecrets.Add(secret);
                }
            }
            foreach (var port in container.Sequence("ports")) pod.ContainerPorts[port.Text("name")!] = int.Parse(port.Text("containerPort")!);
            foreach (var kind in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
                if (container.Text(kind, "httpGet", "path") is { } path) pod.Probes.Add(new Probe(kind, path, container.Text(kind, "httpGet", "port")!));
            foreach (var mount in container.Sequence("volumeMounts")) pod.VolumeMounts.Add(mount.Text("mountPath")!);
            return pod;
        }

        /// <summary>The FloorPay configuration the environment gives, as the host's environment-variable provider reads it.</summary>
        public IConfiguration Configuration(bool withDefaults = false)
        {
            var builder = new ConfigurationBuilder();
            if (withDefaults) builder.AddInMemoryCollection(FloorPayHost.Defaults);
            builder.AddInMemoryCollection(Environment.Where(e => e.Key.Contains("__", StringComparison.Ordinal))
                .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));
            return builder.Build();
        }

        private static IEnumerable<KeyValuePair<string, string?>> Data(YamlMappingNode resource, string field, bool decode) =>
            resource.Children.TryGetValue(new YamlScalarNode(field), out var data) && data is YamlMappingNode map
                ? map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!,
                    decode ? Encoding.UTF8.GetString(Convert.FromBase64String(((YamlScalarNode)c.Value).Value!.Replace("\n", ""))) : ((YamlScalarNode)c.Value).Value))
                : [];
    }
}

internal static class YamlPaths
{
    /// <summary>The scalar at this path of mappings, or null.</summary>
    public static string? Text(this YamlNode node, params string[] path) => Node(node, path) is YamlScalarNode s ? s.Value : null;

    /// <summary>The mappings of the sequence at this path (empty when there is none).</summary>
    public static IEnumerable<YamlMappingNode> Sequence(this YamlNode node, params string[] path) =>
        Node(node, path) is YamlSequenceNode s ? s.Children.OfType<YamlMappingNode>() : [];

    private static YamlNode? Node(YamlNode node, string[] path)
    {
        foreach (var step in path)
            if (node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(step), out var next)) node = next;
            else return null;
        return node;
    }
}
