namespace SakuraLb.Reconcile.Nodes;

/// <summary>
/// Every address a node or a server holds, with who holds it. The cloud's used-address read sees only registered
/// NIC addresses, but a real server may fall back to the kubelet's address when its NIC has none registered:
/// handing such an address to an appliance or as a VIP makes the node or the load balancer unreachable (two
/// hosts answering ARP for one address). So every address of every node, and every NIC address of every server,
/// counts as in use for allocation.
/// </summary>
public static class HostAddresses
{
    /// <summary>Address → "node &lt;name&gt;" or "server &lt;name&gt;" (a node's name wins where both hold it).</summary>
    public static IReadOnlyDictionary<Ipv4Address, string> Of(IEnumerable<NodeSnapshot>? nodes, IEnumerable<CloudServer>? servers)
    {
        var result = new Dictionary<Ipv4Address, string>();
        foreach (var node in nodes ?? [])
        {
            foreach (var address in node?.Addresses ?? [])
            {
                if (Ipv4Address.TryParse(address?.Address, out var a))
                {
                    result.TryAdd(a, $"node {node!.Name}");
                }
            }
        }

        foreach (var server in servers ?? [])
        {
            foreach (var nic in server?.Nics ?? [])
            {
                foreach (var text in new[] { nic?.UserIPAddress, nic?.IPAddress })
                {
                    if (Ipv4Address.TryParse(text, out var a))
                    {
                        result.TryAdd(a, $"server {server!.Name}");
                    }
                }
            }
        }

        return result;
    }
}
