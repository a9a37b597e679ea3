namespace SakuraLb.Reconcile.Tests;

/// <summary>A realistic small world: one /28 router block (assignable .100–.110, as in the real switch sample), three nodes.</summary>
internal static class Fixtures
{
    public const string ClusterId = "prod-1";
    public const string Uid = "3f6c1d2e-4b5a-6978-8990-aabbccddeeff";
    public const long SwitchId = 112800452761;

    /// <summary>The controller's settings with no drain: a leaving real server goes at once (the drain has tests of its own).</summary>
    public static ControllerSettings Settings { get; } = new() { ClusterId = ClusterId, DefaultDrainSeconds = 0 };

    public static RouterNetwork Router { get; } = new()
    {
        Id = 112800452760,
        Name = "k8s-router",
        Tags = ["@k8s", LoadBalancerNaming.ClusterTag(ClusterId)],
        SwitchId = SwitchId,
        Block = new Ipv4Block(Ip("203.0.113.96"), 28),
        DefaultRoute = Ip("203.0.113.97"),
        AssignableRange = new Ipv4Range(Ip("203.0.113.100"), Ip("203.0.113.110")),
    };

    /// <summary>A plain switch tagged like the router (@k8s and the cluster's tag), where the workers have a second, private NIC.</summary>
    public const long PrivateSwitchId = 112800452800;

    public static PlainSwitch PrivateSwitch { get; } = new(PrivateSwitchId, "k8s-private", ["@k8s", LoadBalancerNaming.ClusterTag(ClusterId)]);

    public static Ipv4Address Ip(string text) => Ipv4Address.Parse(text);

    public static ServiceSnapshot Service(
        IReadOnlyDictionary<string, string>? annotations = null,
        params int[] ports) => new()
        {
            Uid = Uid,
            Namespace = "default",
            Name = "web",
            ResourceVersion = "100",
            Type = WellKnown.ServiceTypeLoadBalancer,
            Ports = [.. (ports.Length == 0 ? [80] : ports).Select(p => new ServicePortSnapshot { Protocol = "TCP", Port = p, NodePort = 30000 + p })],
            Annotations = annotations ?? new Dictionary<string, string>(),
            Finalizers = [WellKnown.LoadBalancerCleanupFinalizer],
        };

    public static Dictionary<string, string> Ours(params (string Name, string Value)[] pairs) =>
        pairs.ToDictionary(p => WellKnown.AnnotationPrefix + p.Name, p => p.Value);

    /// <summary>
    /// The original's with-switch.yaml: network 10.240.0.0/16, pool 10.240.100.0/24, gateway 10.240.0.1; <paramref name="more"/>
    /// adds keys or replaces these.
    /// </summary>
    public static Dictionary<string, string> OnSwitch(params (string Name, string Value)[] more)
    {
        var annotations = Ours(
            ("load-balancer-type", "switch"),
            ("load-balancer-ip-range", "10.240.0.0/16"),
            ("load-balancer-assign-ip-range", "10.240.100.0/24"),
            ("load-balancer-assign-default-gateway", "10.240.0.1"));
        foreach (var (name, value) in more)
        {
            annotations[WellKnown.AnnotationPrefix + name] = value;
        }

        return annotations;
    }

    public static NodeSnapshot Node(string name, Action<NodeSnapshotBuilder>? configure = null)
    {
        var builder = new NodeSnapshotBuilder(name);
        configure?.Invoke(builder);
        return builder.Build();
    }

    public static CloudServer Server(string name, string? address, long switchId = SwitchId) => new()
    {
        Id = 113100000000 + name.Aggregate(0L, (h, c) => ((h * 31) + c) % 100000),
        Name = name,
        Nics = [new CloudServerNic { SwitchId = switchId, UserIPAddress = address }],
    };

    /// <summary>Nodes worker01..N with servers at .104, .105, ... on the router's switch.</summary>
    public static (List<NodeSnapshot> Nodes, List<CloudServer> Servers) Workers(int count)
    {
        var nodes = new List<NodeSnapshot>();
        var servers = new List<CloudServer>();
        for (var i = 1; i <= count; i++)
        {
            var name = $"worker{i:00}";
            nodes.Add(Node(name));
            servers.Add(Server(name, Ip("203.0.113.103").Add(i).ToString()));
        }

        return (nodes, servers);
    }

    public static BuildContext Context(int workers = 2)
    {
        var (nodes, servers) = Workers(workers);
        return new BuildContext { Routers = [Router], Nodes = nodes, Servers = servers };
    }

    /// <summary>
    /// Workers as in <see cref="Context"/>, each server with a second NIC on <see cref="PrivateSwitch"/> at 10.240.0.11, .12, ...
    /// (the servers connected to the private switch, as the function app reads them).
    /// </summary>
    public static BuildContext SwitchContext(int workers = 2)
    {
        var (nodes, servers) = Workers(workers);
        return new BuildContext
        {
            Routers = [Router],
            Switches = [PrivateSwitch],
            Nodes = nodes,
            Servers = [.. servers.Select((s, i) => s with { Nics = [.. s.Nics, new CloudServerNic { SwitchId = PrivateSwitchId, UserIPAddress = $"10.240.0.{11 + i}" }] })],
        };
    }

    /// <summary>A switch-type desired load balancer (default: the original's with-switch.yaml).</summary>
    public static DesiredLoadBalancer BuildOnSwitch(ServiceSnapshot? service = null, int workers = 2)
    {
        var result = DesiredLoadBalancerBuilder.Build(service ?? Service(OnSwitch()), Settings, SwitchContext(workers));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Desired!;
    }

    public static DesiredLoadBalancer BuildDesired(ServiceSnapshot? service = null, ControllerSettings? settings = null, int workers = 2)
    {
        var result = DesiredLoadBalancerBuilder.Build(service ?? Service(), settings ?? Settings, Context(workers));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Desired!;
    }

    internal sealed class NodeSnapshotBuilder(string name)
    {
        public Dictionary<string, string> Labels { get; } = [];

        public List<NodeTaintSnapshot> Taints { get; } = [];

        public List<NodeAddressSnapshot> Addresses { get; } = [];

        public DateTimeOffset? DeletionTimestamp { get; set; }

        public bool? Ready { get; set; } = true;

        public NodeSnapshot Build() => new()
        {
            Name = name,
            Uid = "uid-" + name,
            ResourceVersion = "1",
            Labels = Labels,
            Taints = Taints,
            Addresses = Addresses,
            DeletionTimestamp = DeletionTimestamp,
            Ready = Ready,
        };
    }
}
