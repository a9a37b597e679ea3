namespace SakuraLb.Reconcile.Nodes;

/// <summary>A node that becomes a real server, at its address on the load balancer's switch.</summary>
public sealed record RealServerTarget(string NodeName, Ipv4Address Address);

/// <summary>The real servers of a load balancer, and why some nodes are not among them.</summary>
public sealed record RealServerSelection(
    IReadOnlyList<RealServerTarget> Servers,
    IReadOnlyList<ValidationProblem> Warnings,
    IReadOnlyList<string> ExcludedNodes,
    IReadOnlyList<string> DroppedByLimit);

/// <summary>
/// Nodes → real servers. A node is the Sakura server with exactly its name; its address is that server's
/// NIC address on the load balancer's switch, inside its network (the node's own ExternalIP/InternalIP inside
/// the network is used when the NIC has no registered address): a DSR load balancer reaches its real servers
/// only on its own segment, so a node's address on another network cannot serve. Nodes that cannot be placed are reported by name, never
/// dropped silently. Above the per-VIP limit a stable subset is chosen by rendezvous hashing keyed by the
/// Service, so adding or removing one node changes at most one choice and different Services spread over
/// different nodes.
/// </summary>
public static class RealServerSelector
{
    private const int NamesInMessage = 10;

    public static RealServerSelection Select(
        IReadOnlyList<NodeSnapshot> nodes,
        IReadOnlyList<CloudServer> servers,
        LoadBalancerNetwork network,
        int maxServers,
        string stableKey)
    {
        var warnings = new List<ValidationProblem>();
        var excluded = new List<string>();
        var withoutServer = new List<string>();
        var ambiguous = new List<string>();
        var withoutAddress = new List<string>();
        var duplicates = new List<string>();

        // One pass, no grouping: this runs once per Service over every server of the zone.
        var serversByName = new Dictionary<string, CloudServer>(servers.Count, StringComparer.Ordinal);
        var sharedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in servers)
        {
            if (server?.Name is { } serverName && !serversByName.TryAdd(serverName, server))
            {
                sharedNames.Add(serverName);
            }
        }

        // Input order, no sort of the whole node set: problem lists are sorted at the end, and an
        // address claimed twice goes to the ordinally smaller node name, whatever the input order.
        var placed = new List<RealServerTarget>();
        var byAddress = new Dictionary<Ipv4Address, int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (node is null || string.IsNullOrEmpty(node.Name) || !seen.Add(node.Name))
            {
                continue;
            }

            if (!NodeEligibility.IsEligible(node))
            {
                excluded.Add(node.Name);
                continue;
            }

            if (!serversByName.TryGetValue(node.Name, out var server))
            {
                withoutServer.Add(node.Name);
                continue;
            }

            if (sharedNames.Contains(node.Name))
            {
                ambiguous.Add(node.Name);
                continue;
            }

            var address = AddressOnNetwork(server, node, network);
            if (address is null)
            {
                withoutAddress.Add(node.Name);
                continue;
            }

            if (byAddress.TryGetValue(address.Value, out var index))
            {
                var holder = placed[index].NodeName;
                var (keep, lose) = string.CompareOrdinal(holder, node.Name) < 0 ? (holder, node.Name) : (node.Name, holder);
                duplicates.Add($"{lose} ({address} is already {keep}'s)");
                placed[index] = new RealServerTarget(keep, address.Value);
                continue;
            }

            byAddress.Add(address.Value, placed.Count);
            placed.Add(new RealServerTarget(node.Name, address.Value));
        }

        excluded.Sort(StringComparer.Ordinal);
        // Only the servers connected to the switch are read: on a plain switch (a second, private NIC) the likely
        // cause is a node without that NIC, on a router's switch a node that is no Sakura server.
        if (network is SwitchNetwork)
        {
            NotRealServers(warnings, ReasonCodes.NodeNotOnSwitch, withoutServer, $"nodes whose server has no NIC on {network.SwitchLabel} (no Sakura server of exactly the same name is connected to it)");
        }
        else
        {
            NotRealServers(warnings, ReasonCodes.NodeWithoutServer, withoutServer, $"nodes without a Sakura server of exactly the same name on {network.SwitchLabel}");
        }

        NotRealServers(warnings, ReasonCodes.AmbiguousServerName, ambiguous, "nodes whose name several Sakura servers share");
        NotRealServers(warnings, ReasonCodes.NodeWithoutAddress, withoutAddress, $"nodes without an address in {network.Block} on {network.SwitchLabel}");
        NotRealServers(warnings, ReasonCodes.DuplicateNodeAddress, duplicates, "nodes sharing an address with another node");

        var dropped = new List<string>();
        if (placed.Count > maxServers)
        {
            // Keep the maxServers best-ranked in a heap whose top is the worst kept one: O(n log max).
            var seed = Seed(stableKey);
            var kept = new PriorityQueue<RealServerTarget, (ulong Rank, string Name)>(maxServers + 1, WorstFirst.Instance);
            foreach (var target in placed)
            {
                kept.Enqueue(target, (Rank(seed, target.NodeName), target.NodeName));
                if (kept.Count > maxServers)
                {
                    dropped.Add(kept.Dequeue().NodeName);
                }
            }

            dropped.Sort(StringComparer.Ordinal);
            var total = placed.Count;
            placed = [.. kept.UnorderedItems.Select(i => i.Element)];
            warnings.Add(new ValidationProblem(
                ReasonCodes.TooManyNodes,
                $"{total} nodes qualify but one VIP takes at most {maxServers} real servers; left out: {Names(dropped)}"));
        }

        if (placed.Count == 0)
        {
            warnings.Add(new ValidationProblem(
                ReasonCodes.NoEligibleNodes,
                $"no node can be a real server ({nodes.Count} nodes, {excluded.Count} excluded by label, taint or deletion); the load balancer has no backends"));
        }

        placed.Sort((a, b) => a.Address.CompareTo(b.Address));
        return new RealServerSelection(placed, warnings, excluded, dropped);
    }

    /// <summary>One warning for the nodes of one kind that cannot be real servers (<paramref name="which"/>), named in order; none when there are none.</summary>
    private static void NotRealServers(List<ValidationProblem> warnings, string reasonCode, List<string> names, string which)
    {
        if (names.Count > 0)
        {
            names.Sort(StringComparer.Ordinal);
            warnings.Add(new ValidationProblem(reasonCode, $"{which} are not real servers ({names.Count}): {Names(names)}"));
        }
    }

    /// <summary>The node's address on the network's switch, inside its block, or null.</summary>
    public static Ipv4Address? AddressOnNetwork(CloudServer server, NodeSnapshot node, LoadBalancerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(network);
        foreach (var nic in server.Nics.Where(n => n is not null && n.SwitchId == network.SwitchId))
        {
            if (Ipv4Address.TryParse(nic.Address?.Trim(), out var address) && network.Block.Contains(address))
            {
                return address;
            }
        }

        // The API does not enforce UserIPAddress; kubelet's view of the node's address is the fallback,
        // but only for a server that is on the switch at all.
        if (!server.Nics.Any(n => n is not null && n.SwitchId == network.SwitchId))
        {
            return null;
        }

        foreach (var type in new[] { WellKnown.NodeExternalIP, WellKnown.NodeInternalIP })
        {
            foreach (var nodeAddress in node.Addresses.Where(a => a is not null && string.Equals(a.Type, type, StringComparison.Ordinal)))
            {
                if (Ipv4Address.TryParse(nodeAddress.Address, out var address) && network.Block.Contains(address))
                {
                    return address;
                }
            }
        }

        return null;
    }

    /// <summary>Lower rank first; on equal rank the larger name first (so the smaller name is kept).</summary>
    private sealed class WorstFirst : IComparer<(ulong Rank, string Name)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((ulong Rank, string Name) x, (ulong Rank, string Name) y) =>
            x.Rank != y.Rank ? x.Rank.CompareTo(y.Rank) : string.CompareOrdinal(y.Name, x.Name);
    }

    /// <summary>FNV-1a over key and node name: deterministic across processes (string.GetHashCode is not).</summary>
    private static ulong Seed(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (hash ^ '\n') * 1099511628211UL;
    }

    private static ulong Rank(ulong seed, string nodeName)
    {
        var hash = seed;
        foreach (var c in nodeName)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        // A final mix so names differing only in the last character spread well.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }

    internal static string Names(IReadOnlyCollection<string> names) =>
        names.Count <= NamesInMessage
            ? string.Join(", ", names)
            : string.Join(", ", names.Take(NamesInMessage)) + $" and {names.Count - NamesInMessage} more";
}
