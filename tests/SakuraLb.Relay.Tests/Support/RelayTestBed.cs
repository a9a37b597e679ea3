using System.Text.Json.Nodes;
using KubeSim;
using SakuraLb.Relay.Hosting;
using SakuraLb.Relay.Options;

namespace SakuraLb.Relay.Tests.Support;

/// <summary>A Kubernetes API fake, a function stub and a relay, all on loopback, for one test.</summary>
public sealed class RelayTestBed : IAsyncDisposable
{
    private readonly List<RelayHost> relays = [];

    private RelayTestBed(KubeApiSimulator kube, FunctionStub function)
    {
        Kube = kube;
        Function = function;
    }

    public KubeApiSimulator Kube { get; }

    public FunctionStub Function { get; }

    public KubeObjectStore Objects => Kube.Objects;

    /// <summary>The first relay started.</summary>
    public RelayHost Relay => relays[0];

    public static async Task<RelayTestBed> StartAsync(
        Func<RelayOptions, RelayOptions>? configure = null,
        KubeApiSimulatorOptions? kube = null,
        bool startRelay = true,
        Action<KubeObjectStore>? seed = null)
    {
        var sim = await KubeApiSimulator.StartAsync(kube ?? new KubeApiSimulatorOptions { SeedDefaultNodes = true, BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        var stub = await FunctionStub.StartAsync();
        var bed = new RelayTestBed(sim, stub);
        seed?.Invoke(sim.Objects);
        if (startRelay)
        {
            await bed.StartRelayAsync(configure?.Invoke(bed.DefaultOptions()) ?? bed.DefaultOptions());
        }

        return bed;
    }

    /// <summary>Fast timings so scenarios finish in seconds; leader election off unless a test turns it on.</summary>
    public RelayOptions DefaultOptions(string identity = "relay-a") => new()
    {
        FunctionUrl = Function.BaseAddress,
        FunctionKey = FunctionStub.Key,
        HmacSecret = FunctionStub.Secret,
        ClusterId = FunctionStub.ClusterId,
        BatchWindow = TimeSpan.FromMilliseconds(50),
        StatusPollInterval = TimeSpan.FromMilliseconds(100),
        DeliveryBackoffMin = TimeSpan.FromMilliseconds(50),
        DeliveryBackoffMax = TimeSpan.FromMilliseconds(300),
        RejectedRetryInterval = TimeSpan.FromMilliseconds(300),
        WatchBackoffMin = TimeSpan.FromMilliseconds(50),
        WatchBackoffMax = TimeSpan.FromMilliseconds(300),
        WatchTimeout = TimeSpan.FromSeconds(30),
        LeaderElection = false,
        Identity = identity,
        LeaseNamespace = "sakuralb-system",
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromMilliseconds(1500),
        RetryPeriod = TimeSpan.FromMilliseconds(250),
    };

    public async Task<RelayHost> StartRelayAsync(RelayOptions options)
    {
        var relay = await RelayHost.StartAsync(options, new KubernetesConnectionOptions { Server = Kube.BaseAddress });
        relays.Add(relay);
        return relay;
    }

    /// <summary>Waits until the relay listed both kinds and the function has the node set.</summary>
    public async Task WaitSyncedAsync(RelayHost? relay = null)
    {
        relay ??= Relay;
        await Eventually.UntilAsync(() => relay.Pipeline.Synced, "the relay listed Services and Nodes");
        await Eventually.UntilAsync(() => Function.LatestNodes is not null, "the function received the node set");
    }

    /// <summary>Creates a Service (type LoadBalancer unless told otherwise) and returns its UID.</summary>
    public string CreateService(
        string name,
        string type = "LoadBalancer",
        string? loadBalancerClass = null,
        IReadOnlyDictionary<string, string>? annotations = null,
        string ns = "default",
        int port = 80)
    {
        var spec = new JsonObject
        {
            ["type"] = type,
            ["selector"] = new JsonObject { ["app"] = name },
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = port, ["protocol"] = "TCP", ["targetPort"] = 8080 }),
        };
        if (loadBalancerClass is not null)
        {
            spec["loadBalancerClass"] = loadBalancerClass;
        }

        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (annotations is not null)
        {
            var a = new JsonObject();
            foreach (var (k, v) in annotations)
            {
                a[k] = v;
            }

            metadata["annotations"] = a;
        }

        var created = Objects.Create("services", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = metadata, ["spec"] = spec });
        return created["metadata"]!["uid"]!.GetValue<string>();
    }

    public JsonObject Service(string name, string ns = "default") =>
        Objects.Get("services", ns, name) ?? throw new InvalidOperationException($"service {ns}/{name} not found");

    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        (obj["metadata"]?["finalizers"] as JsonArray)?.Select(f => f!.GetValue<string>()).ToArray() ?? [];

    /// <summary>A status-feed entry for a Service, as the function would publish it.</summary>
    public static ServiceStatus Status(string uid, string name, ServicePhase phase, string reason, string message, bool releasable = false, string ns = "default", params string[] ips) => new()
    {
        Uid = uid,
        Namespace = ns,
        Name = name,
        Phase = phase,
        ReasonCode = reason,
        Message = message,
        IngressIps = ips,
        FinalizerReleasable = releasable,
        ObservedResourceVersion = "1",
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>A Deleted, releasable status computed from the Service as it is now (the function saw its newest version).</summary>
    public ServiceStatus Released(string uid, string name, string message, string ns = "default") =>
        Status(uid, name, ServicePhase.Deleted, "Deleted", message, releasable: true, ns) with
        {
            ObservedResourceVersion = Service(name, ns)["metadata"]!["resourceVersion"]!.GetValue<string>(),
        };

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in relays)
        {
            await relay.DisposeAsync();
        }

        await Function.DisposeAsync();
        await Kube.DisposeAsync();
    }
}
