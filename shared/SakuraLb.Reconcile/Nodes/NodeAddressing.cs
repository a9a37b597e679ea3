namespace SakuraLb.Reconcile.Nodes;

/// <summary>
/// The addresses a Node gets from its server, or why it gets none: <paramref name="Problem"/> keeps the Node
/// uninitialised (a provided node IP that is not the server's); <paramref name="Warning"/> initialises it but leaves
/// its addresses alone (a server without any address).
/// </summary>
public sealed record AddressDecision(IReadOnlyList<NodeAddressSnapshot> Addresses, ValidationProblem? Problem = null, ValidationProblem? Warning = null);

/// <summary>
/// Node addresses from a Sakura server, as upstream's cloud node controller computes them: every connected NIC's
/// address is an InternalIP (NIC order: NIC 0 is the server's primary), the global ones are also ExternalIPs, and a
/// Hostname follows. A kubelet's provided node IP must be one of them and then is the only address of its type.
/// </summary>
public static class NodeAddressing
{
    private static readonly Ipv4Block[] NotGlobal =
    [
        Block("0.0.0.0", 8),
        Block("10.0.0.0", 8),
        Block("100.64.0.0", 10),
        Block("127.0.0.0", 8),
        Block("169.254.0.0", 16),
        Block("172.16.0.0", 12),
        Block("192.168.0.0", 16),
        Block("224.0.0.0", 3),
    ];

    public static AddressDecision Decide(CloudServer server, NodeSnapshot node)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(node);
        var cloud = IpAddresses(server);
        if (!string.IsNullOrWhiteSpace(node.ProvidedNodeIp))
        {
            var provided = node.ProvidedNodeIp.Trim();
            if (!Ipv4Address.TryParse(provided, out var nodeIp) || !cloud.Any(a => a.Address == nodeIp.ToString()))
            {
                var own = cloud.Count == 0 ? "none" : string.Join(", ", cloud.Select(a => a.Address).Distinct(StringComparer.Ordinal));
                return new AddressDecision([], Problem: new ValidationProblem(
                    ReasonCodes.ProvidedNodeIPNotFound,
                    $"the kubelet's node IP {provided} ({WellKnown.ProvidedNodeIpAnnotation}) is not an address of Sakura server {server.Id} (its addresses: {own}); the node stays uninitialised"));
            }

            // The provided IP is the only address of each type it has; other types keep all their addresses.
            var types = cloud.Where(a => a.Address == nodeIp.ToString()).Select(a => a.Type).ToHashSet(StringComparer.Ordinal);
            cloud = [.. cloud.Where(a => a.Address == nodeIp.ToString()), .. cloud.Where(a => !types.Contains(a.Type))];
        }

        if (cloud.Count == 0)
        {
            return new AddressDecision([], Warning: new ValidationProblem(
                ReasonCodes.ServerWithoutAddress,
                $"Sakura server {server.Id} has no NIC with an address ({server.Nics.Count} NICs); the node's addresses are left as they are"));
        }

        return new AddressDecision([.. cloud, .. HostNames(server, node)]);
    }

    /// <summary>InternalIP for every connected NIC's IPv4 address, then ExternalIP for the global ones; each address once per type.</summary>
    public static IReadOnlyList<NodeAddressSnapshot> IpAddresses(CloudServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var nics = new List<(Ipv4Address Address, bool Global)>();
        foreach (var nic in server.Nics)
        {
            if (nic?.SwitchId is null || !Ipv4Address.TryParse(nic.Address?.Trim(), out var address) || nics.Any(n => n.Address == address))
            {
                continue;
            }

            nics.Add((address, IsGlobal(address, nic.SharedSegment)));
        }

        return
        [
            .. nics.Select(n => new NodeAddressSnapshot(WellKnown.NodeInternalIP, n.Address.ToString())),
            .. nics.Where(n => n.Global).Select(n => new NodeAddressSnapshot(WellKnown.NodeExternalIP, n.Address.ToString())),
        ];
    }

    /// <summary>
    /// True for an address reachable from the Internet: anything on the shared segment (it is the Internet), and on
    /// a switch any address outside the private, shared (100.64/10), loopback, link-local and multicast ranges.
    /// </summary>
    public static bool IsGlobal(Ipv4Address address, bool sharedSegment) =>
        sharedSegment || !NotGlobal.Any(b => b.Contains(address));

    /// <summary>Same entries in any order.</summary>
    public static bool SameAddresses(IReadOnlyList<NodeAddressSnapshot> current, IReadOnlyList<NodeAddressSnapshot> desired)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(desired);
        return current.Where(a => a is not null).ToHashSet().SetEquals(desired.Where(a => a is not null));
    }

    /// <summary>True when the Node has an InternalIP or ExternalIP already.</summary>
    public static bool HasIpAddress(NodeSnapshot node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Addresses.Any(a => a is not null && a.Type is WellKnown.NodeInternalIP or WellKnown.NodeExternalIP);
    }

    /// <summary>The kubelet's Hostname when it set one (it knows best), else the server's host name, else the node name.</summary>
    private static IEnumerable<NodeAddressSnapshot> HostNames(CloudServer server, NodeSnapshot node)
    {
        var own = node.Addresses.Where(a => a is not null && a.Type == WellKnown.NodeHostName && a.Address.Length > 0).ToList();
        if (own.Count > 0)
        {
            return own;
        }

        var name = string.IsNullOrWhiteSpace(server.HostName) ? node.Name : server.HostName.Trim();
        return [new NodeAddressSnapshot(WellKnown.NodeHostName, name)];
    }

    private static Ipv4Block Block(string network, int prefix) => new(Ipv4Address.Parse(network), prefix);
}
