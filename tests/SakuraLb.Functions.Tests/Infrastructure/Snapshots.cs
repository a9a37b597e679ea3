namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>Service and node snapshots as the relay would send them.</summary>
internal static class Snapshots
{
    public static string NewUid() => Guid.NewGuid().ToString();

    public static ServiceSnapshot Service(
        string uid,
        string name,
        int[] ports,
        string resourceVersion = "1",
        IReadOnlyDictionary<string, string>? annotations = null,
        string ns = "default") => new()
        {
            Uid = uid,
            Namespace = ns,
            Name = name,
            ResourceVersion = resourceVersion,
            Type = WellKnown.ServiceTypeLoadBalancer,
            Ports = [.. ports.Select(p => new ServicePortSnapshot { Name = $"p{p}", Protocol = "TCP", Port = p, NodePort = 30000 + (p % 2000), TargetPort = p.ToString(System.Globalization.CultureInfo.InvariantCulture) })],
            Annotations = annotations ?? new Dictionary<string, string>(),
            ExternalTrafficPolicy = "Cluster",
            Finalizers = [WellKnown.LoadBalancerCleanupFinalizer],
        };

    public static ServiceSnapshot Deleting(ServiceSnapshot service, string resourceVersion) =>
        service with { ResourceVersion = resourceVersion, DeletionTimestamp = DateTimeOffset.UtcNow };

    public static ServiceSnapshot Tombstone(ServiceSnapshot service) => new()
    {
        Uid = service.Uid,
        Namespace = service.Namespace,
        Name = service.Name,
        Deleted = true,
    };

    public static NodeSnapshot Node(string name, string address) => new()
    {
        Name = name,
        Uid = "node-" + name,
        ResourceVersion = "1",
        ProviderId = "sakuracloud://" + name,
        Addresses = [new NodeAddressSnapshot(WellKnown.NodeInternalIP, address)],
    };

    public static NodeSetSnapshot Nodes(string resourceVersion, IEnumerable<(string Name, string Address)> nodes) => new()
    {
        ResourceVersion = resourceVersion,
        Complete = true,
        Nodes = [.. nodes.Select(n => Node(n.Name, n.Address))],
    };

    public static NodeSetSnapshot DefaultNodes(string resourceVersion = "1") => Nodes(resourceVersion, Topology.Workers);
}
