namespace SakuraLb.Reconcile.Tests.Nodes;

/// <summary>Nodes as kubelets register them and servers as the zone's list returns them, for the node controller's tests.</summary>
internal static class NodeSamples
{
    public const string Zone = "is1a";
    public const long RouterSwitch = 112800000002;
    public const long PrivateSwitch = 112800000050;
    public const long SharedSegment = 112800000099;

    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly NodeRules Rules = new() { Zone = Zone };

    public static readonly NodeTaintSnapshot Uninitialized = new() { Key = WellKnown.UninitializedTaint, Value = "true", Effect = "NoSchedule" };

    public static readonly NodeTaintSnapshot Shutdown = new() { Key = WellKnown.ShutdownTaint, Effect = "NoSchedule" };

    /// <summary>A Node as a kubelet with --cloud-provider=external registers it: tainted, no providerID, no address.</summary>
    public static NodeSnapshot Registered(string name, string? uid = null) => new()
    {
        Name = name,
        Uid = uid ?? "uid-" + name,
        ResourceVersion = "1",
        Taints = [Uninitialized],
    };

    /// <summary>A Node that is initialised already: providerID of <paramref name="serverId"/>, an InternalIP, the zone labels.</summary>
    public static NodeSnapshot Initialised(string name, long serverId, string address = "203.0.113.100") => new()
    {
        Name = name,
        Uid = "uid-" + name,
        ResourceVersion = "1",
        ProviderId = ProviderIds.Format(serverId),
        Addresses = [new NodeAddressSnapshot(WellKnown.NodeInternalIP, address), new NodeAddressSnapshot(WellKnown.NodeHostName, name)],
        Labels = new Dictionary<string, string>
        {
            [WellKnown.ZoneLabel] = Zone,
            [WellKnown.RegionLabel] = "is1",
            [WellKnown.InstanceTypeLabel] = "2core-4gb",
        },
    };

    public static CloudServer Server(long id, string name, params CloudServerNic[] nics) => new()
    {
        Id = id,
        Name = name,
        HostName = name,
        Zone = Zone,
        PowerState = InstanceStatus.Up,
        Plan = new CloudServerPlan { Cpu = 2, MemoryMB = 4096, Generation = 200, Commitment = "standard" },
        Nics = nics,
    };

    /// <summary>A worker on the router's switch with one global address.</summary>
    public static CloudServer Worker(long id, string name, string address = "203.0.113.100") =>
        Server(id, name, OnSwitch(RouterSwitch, address));

    public static CloudServerNic OnSwitch(long switchId, string? address) => new() { SwitchId = switchId, UserIPAddress = address };

    public static CloudServerNic OnSharedSegment(string address) => new() { SwitchId = SharedSegment, SharedSegment = true, IPAddress = address };

    public static NodeDecision Decide(IReadOnlyList<NodeSnapshot> nodes, IReadOnlyList<CloudServer>? servers, NodeRules? rules = null, DateTimeOffset? now = null, IReadOnlyList<VanishedServer>? vanished = null, IReadOnlyList<NodeResult>? previous = null) =>
        NodeDecisions.Decide(new NodeDecisionInput
        {
            Nodes = nodes,
            Servers = servers,
            Rules = rules ?? Rules,
            Now = now ?? T0,
            Vanished = vanished ?? [],
            Previous = previous ?? [],
        });
}
