using System.Globalization;
using System.Security.Cryptography;
using DurableHost;
using DurableHost.AzureStorage;
using DurableHost.Serialization;
using KubeSim;
using Microsoft.Extensions.Logging.Abstractions;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Relay.Hosting;
using SakuraLb.Relay.Options;
using SakuraSim;
using Sandbox.Functions;
using Sandbox.Simulators;
using Sandbox.Telemetry;

namespace Sandbox;

/// <summary>
/// The whole system on loopback, in this process: the Sakura simulator (a router+switch and the workers, by default
/// its documented default topology: 203.0.113.96/28 and worker01..03, see <see cref="RouterBlock"/>; plus a plain switch tagged like the router (@k8s and the cluster tag) on which the workers have a second, private NIC, so both kinds
/// of load balancer work out of the box), the Kubernetes API fake with a node for each of those servers, registered
/// as a kubelet with <c>--cloud-provider=external</c> registers it (tainted uninitialized, no providerID, no
/// address) so the node controller initialises it, the function app (<see cref="LocalFunctionHost"/>, in-memory
/// stores and the in-process durable engine, or table stores and Azure Storage on Azurite, the timers on loops) and
/// the relay pointed at both. Disposing stops everything, relay first.
/// </summary>
public sealed class SandboxSystem : IAsyncDisposable
{
    /// <summary>The cluster id of the function app and the relay, unless --set Controller:ClusterId changes it.</summary>
    public const string ClusterId = "sandbox";

    /// <summary>The simulator's credentials (its defaults), given to the function app.</summary>
    public const string SakuraToken = "test-token";
    public const string SakuraSecret = "test-secret";

    /// <summary>The plain switch the sandbox adds (tags @k8s and the cluster tag): where <c>load-balancer-type: switch</c> Services go (examples/).</summary>
    public const string PrivateSwitchName = "k8s-private";

    /// <summary>The private switch's network and gateway (what the examples' ranges name).</summary>
    public const string PrivateNetwork = "10.240.0.0/16";

    public const string PrivateGateway = "10.240.0.1";

    /// <summary>The relay's namespace, as the manifests install it: its Lease and its resync ConfigMap are there.</summary>
    public const string RelayNamespace = "sakuralb-system";

    private readonly List<IAsyncDisposable> parts;

    private SandboxSystem(
        SandboxOptions options,
        SakuraSimulator sakura,
        KubeApiSimulator kube,
        LocalFunctionHost functions,
        RelayHost relay,
        TimerLoop timer,
        TimerLoop nodeTimer,
        IReadOnlyList<SimServer> workers,
        IReadOnlyList<SimServer> privateWorkers,
        List<IAsyncDisposable> parts)
    {
        Options = options;
        Sakura = sakura;
        SakuraControl = new SakuraSimControl(sakura.BaseAddress);
        Kube = kube;
        Functions = functions;
        Relay = relay;
        Timer = timer;
        NodeTimer = nodeTimer;
        Workers = workers;
        PrivateWorkers = privateWorkers;
        this.parts = parts;
    }

    public SandboxOptions Options { get; }

    public SakuraSimulator Sakura { get; }

    public SakuraSimControl SakuraControl { get; }

    public KubeApiSimulator Kube { get; }

    public LocalFunctionHost Functions { get; }

    public RelayHost Relay { get; }

    public TimerLoop Timer { get; }

    public TimerLoop NodeTimer { get; }

    /// <summary>The simulator's servers that were given a node of the same name.</summary>
    public IReadOnlyList<SimServer> Workers { get; }

    /// <summary>The same servers with their address on the private switch (<see cref="PrivateSwitchName"/>).</summary>
    public IReadOnlyList<SimServer> PrivateWorkers { get; }

    /// <summary>The kubectl --server value: http://127.0.0.1:PORT (no trailing slash).</summary>
    public string KubeServer => Kube.BaseAddress.ToString().TrimEnd('/');

    /// <summary>http://127.0.0.1:PORT (no trailing slash).</summary>
    public string SakuraServer => Sakura.BaseAddress.ToString().TrimEnd('/');

    /// <param name="logging">Where the parts log; null logs nothing (tests).</param>
    public static async Task<SandboxSystem> StartAsync(SandboxOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var parts = new List<IAsyncDisposable>();
        var logs = logging is null ? NullLoggerFactory.Instance : LoggerFactory.Create(logging);
        parts.Add(new Disposer(logs));
        try
        {
            // The simulator's own console logger writes to stdout in its own format; its failures reach the
            // function app's log as failed Sakura calls, so it stays quiet here. The router and the plain switch
            // belong to the sandbox's cluster (--set Controller:ClusterId included): the controller looks for its tag.
            var networkTags = NetworkTags(options);
            var sakura = await SakuraSimulator.StartAsync(
                new SakuraSimulatorOptions
                {
                    Urls = Loopback(options.SakuraPort),
                    TimeScale = options.SakuraTimeScale,
                    AccessToken = SakuraToken,
                    AccessTokenSecret = SakuraSecret,
                    SeedDefaultTopology = false,
                },
                cancellationToken);
            parts.Add(sakura);

            IReadOnlyList<SimServer> workers;
            var privateWorkers = new List<SimServer>();
            using (var control = new SakuraSimControl(sakura.BaseAddress))
            {
                workers = await SeedRouterAsync(control, options, cancellationToken);
                await SeedTrafficAsync(control, workers, cancellationToken);
                var prefix = int.Parse(PrivateNetwork[(PrivateNetwork.IndexOf('/', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
                var privateSwitch = await control.AddSwitchAsync(PrivateSwitchName, networkTags, PrivateGateway, prefix, cancellationToken);
                for (var i = 0; i < workers.Count; i++)
                {
                    privateWorkers.Add(await control.AddInterfaceAsync(workers[i], privateSwitch.Id, PrivateAddress(i), cancellationToken));
                }
            }

            var kube = await KubeApiSimulator.StartAsync(
                new KubeApiSimulatorOptions { Urls = Loopback(options.KubePort), ConfigureLogging = logging },
                cancellationToken);
            parts.Add(kube);
            var sandboxLogger = logs.CreateLogger("Sandbox");
            foreach (var worker in workers)
            {
                // Node name = server name, and registered the way the node preparation in docs/operations.md asks
                // of a real cluster's kubelets: the node controller fills in the rest.
                kube.Objects.Create("nodes", System.Text.Json.Nodes.JsonNode.Parse(RegisteredNode(worker.Name))!.AsObject());
                kube.Objects.Create("leases", System.Text.Json.Nodes.JsonNode.Parse(NodeLease(worker.Name))!.AsObject());
                sandboxLogger.NodeSeeded(worker.Name, worker.Id, worker.Address);
            }

            // The ConfigMap the relay's manifests create: annotating it resyncs the whole cluster (kubectl sakuralb resync --all).
            kube.Objects.CreateConfigMap(RelayNamespace, SakuraLb.Model.WellKnown.ClusterResyncConfigMap);

            var functionKey = RandomToken(24);

            // Azure Storage as the Functions host runs it: host.json's queue settings, the worker's data converter,
            // and table stores on the same Azurite (the shared one of this process, installed in .tools if missing).
            var azureStorage = options.Durable == DurableEngineKind.AzureStorage
                ? (await AzureStorageEngineOptions.ForTestsAsync()) with { LoggerFactory = logs, DataConverter = FunctionsWorkerDataConverter.Default }
                : null;
            var settings = FunctionSettings(options, sakura.ApiRoot, RandomToken(48), azureStorage?.ConnectionString);
            var functions = await LocalFunctionHost.StartAsync(
                new LocalFunctionHostOptions
                {
                    Urls = Loopback(options.FunctionPort),
                    FunctionKey = functionKey,
                    Settings = settings,
                    ConfigureLogging = logging,
                    AzureStorage = azureStorage,
                },
                cancellationToken);
            parts.Add(functions);

            // Parts stop in reverse order: the relay first (nothing new reaches the function app), then the timer.
            var timer = new TimerLoop(ct => functions.RunTimersAsync(name => name is not (NodeTimerName or HealthTimerName), ct), options.ResyncInterval, TimeProvider.System, logs.CreateLogger("Sandbox.Timer"));
            parts.Add(timer);
            var nodeTimer = new TimerLoop(ct => functions.RunTimersAsync(name => name == NodeTimerName, ct), options.NodeInterval, TimeProvider.System, logs.CreateLogger("Sandbox.NodeTimer"));
            parts.Add(nodeTimer);
            parts.Add(new TimerLoop(ct => functions.RunTimersAsync(name => name == HealthTimerName, ct), options.HealthInterval, TimeProvider.System, logs.CreateLogger("Sandbox.HealthTimer")));

            var relay = await RelayHost.StartAsync(
                // The relay speaks for the cluster and with the secret the function app was given, --set included:
                // a different value on either side would have every batch refused.
                RelayOptions(functions.BaseAddress, functionKey, settings["Controller:ClusterId"] ?? ClusterId, settings["Ingest:HmacSecret"] ?? ""),
                new KubernetesConnectionOptions { Server = kube.BaseAddress },
                logging,
                cancellationToken: cancellationToken);
            parts.Add(relay);

            return new SandboxSystem(options, sakura, kube, functions, relay, timer, nodeTimer, workers, privateWorkers, parts);
        }
        catch
        {
            await StopAsync(parts);
            throw;
        }
    }

    /// <summary>The name of the sandbox's router+switch (the router and its switch are both called so).</summary>
    public const string RouterName = "k8s-router";

    /// <summary>
    /// The router+switch with the options' block and the workers on it, each a running server with one NIC at the
    /// block's next assignable address, in the simulator's order of IDs: with the defaults (3 workers, /28) the
    /// simulator's documented default topology, IDs and addresses included.
    /// </summary>
    public static async Task<IReadOnlyList<SimServer>> SeedRouterAsync(SakuraSimControl control, SandboxOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(options);
        var block = options.RouterBlock;
        var switchId = await control.AddRouterAsync(RouterName, NetworkTags(options), block.Block, cancellationToken);
        var workers = new List<SimServer>();
        for (var i = 0; i < options.Workers; i++)
        {
            workers.Add(await control.AddServerAsync(WorkerName(i), switchId, block.WorkerAddress(i), cancellationToken));
        }

        return workers;
    }

    /// <summary>
    /// Gives each worker some traffic, so the health a newcomer sees (<c>kubectl sakuralb status -o yaml</c>, the relay's
    /// metrics) carries connection numbers rather than zeros: the simulator reports 0 unless told otherwise, which
    /// keeps its tests exact. Set once, never again: a user's own health changes through the simulator's controls stay.
    /// </summary>
    public static async Task SeedTrafficAsync(SakuraSimControl control, IReadOnlyList<SimServer> workers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(workers);
        for (var i = 0; i < workers.Count; i++)
        {
            var (activeConnections, connectionsPerSecond) = WorkerTraffic(i);
            await control.SetTrafficAsync(workers[i].Id, activeConnections, connectionsPerSecond, cancellationToken);
        }
    }

    /// <summary>The <paramref name="index"/>th worker's seeded traffic (0-based): uneven, as real workers' is, never zero.</summary>
    public static (int ActiveConnections, int ConnectionsPerSecond) WorkerTraffic(int index) =>
        (12 + (index * 7 % 23), 3 + (index * 5 % 11));

    /// <summary>The <paramref name="index"/>th worker's name (0-based): worker01, worker02, ..., worker100.</summary>
    public static string WorkerName(int index) => string.Create(CultureInfo.InvariantCulture, $"worker{index + 1:00}");

    /// <summary>The tags of the sandbox's router and plain switch: <c>@k8s</c> and the function app's cluster tag.</summary>
    public static string[] NetworkTags(SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clusterId = options.FunctionSettings.TryGetValue("Controller:ClusterId", out var set) && !string.IsNullOrEmpty(set) ? set : ClusterId;
        return [LoadBalancerNaming.BaseTag, LoadBalancerNaming.ClusterTag(clusterId)];
    }

    /// <summary>The private address of the <paramref name="index"/>th worker: 10.240.0.11, .12, ..., 10.240.1.0 for the 246th.</summary>
    public static string PrivateAddress(int index) => FirstPrivateAddress.Add(index).ToString();

    private static readonly Ipv4Address FirstPrivateAddress = Ipv4Address.Parse("10.240.0.11");

    /// <summary>The node controller's timer function, run on its own interval.</summary>
    public const string NodeTimerName = "NodeLifecycleTimer";

    /// <summary>The backend-health timer function, run on its own interval.</summary>
    public const string HealthTimerName = "HealthTimer";

    /// <summary>The providerID the node controller gives the node of a Sakura server.</summary>
    public static string ProviderId(long serverId) => "sakuracloud://" + serverId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A Node as kubelet registers it with <c>--cloud-provider=external</c> (and no <c>--node-ip</c>): its name, the
    /// uninitialized taint, no providerID, no address; ready since now, as the kubelet runs. JSON, which kubectl create -f reads too.
    /// </summary>
    public static string RegisteredNode(string name) => $$"""
        {
          "apiVersion": "v1",
          "kind": "Node",
          "metadata": {
            "name": "{{name}}",
            "labels": { "kubernetes.io/hostname": "{{name}}", "kubernetes.io/os": "linux" }
          },
          "spec": {
            "taints": [ { "key": "node.cloudprovider.kubernetes.io/uninitialized", "value": "true", "effect": "NoSchedule" } ]
          },
          "status": {
            "conditions": [ { "type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": "{{Now()}}", "lastTransitionTime": "{{Now()}}" } ],
            "nodeInfo": { "kubeletVersion": "v1.32.0", "osImage": "Ubuntu 24.04 LTS", "containerRuntimeVersion": "containerd://1.7.24" }
          }
        }
        """;

    /// <summary>The heartbeat Lease kubelet keeps for its Node (in <c>kube-node-lease</c>), which kubectl describe node shows.</summary>
    public static string NodeLease(string name) => $$"""
        {
          "apiVersion": "coordination.k8s.io/v1",
          "kind": "Lease",
          "metadata": { "name": "{{name}}", "namespace": "kube-node-lease" },
          "spec": { "holderIdentity": "{{name}}", "leaseDurationSeconds": 40, "renewTime": "{{Now("yyyy-MM-ddTHH:mm:ss.ffffffZ")}}" }
        }
        """;

    private static string Now(string format = "yyyy-MM-ddTHH:mm:ssZ") =>
        TimeProvider.System.GetUtcNow().ToString(format, CultureInfo.InvariantCulture);

    /// <summary>
    /// The function app's settings in the sandbox: the simulator as the Sakura API, in-memory stores (table stores
    /// under a prefix of this run's own when a storage connection string is given), and waits scaled to the
    /// simulator's clock; <see cref="SandboxOptions.FunctionSettings"/> override them.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> FunctionSettings(SandboxOptions options, Uri sakuraApiRoot, string hmacSecret, string? storageConnectionString = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sakuraApiRoot);

        // A load balancer takes about 75 s of simulated time to come up; polling it every tenth of that keeps
        // the wait short without flooding the simulator.
        var poll = TimeSpan.FromSeconds(Math.Clamp(10 * options.SakuraTimeScale, 0.25, 10));
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Controller:ClusterId"] = ClusterId,
            ["Ingest:HmacSecret"] = hmacSecret,
            ["Storage:Mode"] = "InMemory",
            ["Reconcile:PollInterval"] = Duration(poll),
            ["Reconcile:NodeDebounce"] = "00:00:01",
            ["Reconcile:NodeDebounceMax"] = "00:00:10",
            ["Reconcile:ActivityRetry:FirstRetryInterval"] = "00:00:01",
            ["Reconcile:ActivityRetry:MaxRetryInterval"] = "00:00:10",
            ["Sakura:ApiRootUrl"] = sakuraApiRoot.AbsoluteUri,
            ["Sakura:AccessToken"] = SakuraToken,
            ["Sakura:AccessTokenSecret"] = SakuraSecret,
            ["Sakura:Zone"] = "is1a",
        };
        if (storageConnectionString is not null)
        {
            settings["Storage:Mode"] = "Table";
            settings["Storage:ConnectionString"] = storageConnectionString;
            settings["Storage:TablePrefix"] = "sandbox" + RandomToken(4);
        }

        foreach (var (key, value) in options.FunctionSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        SakuraControl.Dispose();
        await StopAsync(parts);
    }

    /// <summary>In reverse order of start: relay, timer, function app, then the simulators, so nothing writes to a part that is already gone.</summary>
    private static async Task StopAsync(List<IAsyncDisposable> parts)
    {
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            await parts[i].DisposeAsync();
        }

        parts.Clear();
    }

    private static RelayOptions RelayOptions(Uri functionUrl, string functionKey, string clusterId, string hmacSecret) => new()
    {
        FunctionUrl = functionUrl,
        FunctionKey = functionKey,
        HmacSecret = hmacSecret,
        ClusterId = clusterId,
        LeaderElection = false,
        Identity = "sandbox-relay",
        LeaseNamespace = RelayNamespace,
        StatusPollInterval = TimeSpan.FromSeconds(1),
        DeliveryBackoffMin = TimeSpan.FromMilliseconds(250),
        DeliveryBackoffMax = TimeSpan.FromSeconds(5),
        RejectedRetryInterval = TimeSpan.FromSeconds(10),
        WatchBackoffMin = TimeSpan.FromMilliseconds(250),
        WatchBackoffMax = TimeSpan.FromSeconds(5),
    };

    private static string Loopback(int port) => "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static string RandomToken(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private sealed class Disposer(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
