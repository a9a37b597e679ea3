using System.Security.Cryptography;
using System.Text;

namespace SakuraLb.Reconcile.Nodes;

/// <summary>
/// Hashes of a node set. <see cref="Content"/> changes when anything the controller stores changes;
/// <see cref="Eligible"/> changes only when something real-server selection reads changes (which nodes are
/// eligible, their names, provider ids and addresses), so a label or readiness flap rewrites no load balancer.
/// </summary>
public static class NodeFingerprint
{
    public static string Content(NodeSetSnapshot set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var text = new StringBuilder();
        foreach (var feature in set.Features.Order(StringComparer.Ordinal))
        {
            text.Append("feature\0").Append(feature).Append('\n');
        }

        foreach (var node in Ordered(set))
        {
            text.Append("node\0").Append(node.Name).Append('\0').Append(node.Uid).Append('\0').Append(node.ProviderId)
                .Append('\0').Append(node.ProvidedNodeIp)
                .Append('\0').Append(node.Unschedulable ? '1' : '0')
                .Append('\0').Append(node.DeletionTimestamp?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            AppendAddresses(text, node);
            foreach (var label in node.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                text.Append("\0l\0").Append(label.Key).Append('=').Append(label.Value);
            }

            foreach (var taint in node.Taints.Where(t => t is not null).OrderBy(t => t.Key, StringComparer.Ordinal).ThenBy(t => t.Effect, StringComparer.Ordinal))
            {
                text.Append("\0t\0").Append(taint.Key).Append('=').Append(taint.Value).Append(':').Append(taint.Effect);
            }

            text.Append('\n');
        }

        return Hash(text);
    }

    public static string Eligible(NodeSetSnapshot? set)
    {
        var text = new StringBuilder();
        if (set is not null)
        {
            foreach (var node in Ordered(set).Where(NodeEligibility.IsEligible))
            {
                text.Append(node.Name).Append('\0').Append(node.ProviderId);
                AppendAddresses(text, node);
                text.Append('\n');
            }
        }

        return Hash(text);
    }

    /// <summary>Hash of a real-server address list (order-insensitive).</summary>
    public static string RealServers(IEnumerable<string> addresses) =>
        Hash(new StringBuilder(string.Join('\n', addresses.Order(StringComparer.Ordinal))));

    private static IEnumerable<NodeSnapshot> Ordered(NodeSetSnapshot set) =>
        set.Nodes.Where(n => n is not null && !string.IsNullOrEmpty(n.Name)).OrderBy(n => n.Name, StringComparer.Ordinal);

    private static void AppendAddresses(StringBuilder text, NodeSnapshot node)
    {
        foreach (var address in node.Addresses.Where(a => a is not null)
                     .OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Address, StringComparer.Ordinal))
        {
            text.Append("\0a\0").Append(address.Type).Append('=').Append(address.Address);
        }
    }

    private static string Hash(StringBuilder text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
}
