using System.Globalization;

namespace SakuraLb.Reconcile.Nodes;

/// <summary>Which Nodes one pass deletes, or why it deletes none.</summary>
public sealed record DeletionVerdict(IReadOnlyList<string> Delete, string? RefusedBecause);

/// <summary>
/// The safety limits on deleting Nodes whose server is gone. A read that answers but lacks servers that exist
/// (a token of another account, a wrong zone, a partial answer) must not delete a cluster, so a pass deletes
/// nothing when every Node of ours misses its server at once, or when more confirmed-missing Nodes would go than
/// <see cref="Limit"/> allows; it never deletes part of such a set (a rate limit would only delete the cluster
/// more slowly).
/// </summary>
public static class NodeDeletionGuard
{
    /// <summary>At most this many Nodes per pass: the share of the cluster's Nodes, rounded down, but at least one.</summary>
    public static int Limit(int nodeCount, double maxShare) =>
        Math.Max(1, (int)Math.Floor((Math.Max(0, nodeCount) * maxShare) + 1e-9));

    /// <param name="nodeCount">Every Node of the cluster.</param>
    /// <param name="oursCount">Nodes whose providerID names a server of this zone (the ones that could be missing).</param>
    /// <param name="missingCount">Of those, how many the current read lacks.</param>
    /// <param name="confirmed">The missing ones whose absence is confirmed by an earlier read.</param>
    public static DeletionVerdict Decide(int nodeCount, int oursCount, int missingCount, IReadOnlyList<string> confirmed, double maxShare)
    {
        ArgumentNullException.ThrowIfNull(confirmed);
        if (confirmed.Count == 0)
        {
            return new DeletionVerdict([], null);
        }

        if (missingCount >= oursCount)
        {
            return new DeletionVerdict([], string.Create(
                CultureInfo.InvariantCulture,
                $"the servers of all {oursCount} nodes with a sakuracloud:// providerID are missing from the zone's server list at once; that is more likely a wrong token, account or zone than a real deletion, so no node is deleted"));
        }

        var limit = Limit(nodeCount, maxShare);
        if (confirmed.Count > limit)
        {
            return new DeletionVerdict([], string.Create(
                CultureInfo.InvariantCulture,
                $"{confirmed.Count} nodes' servers are gone, but one pass deletes at most {limit} of the cluster's {nodeCount} nodes (Nodes:MaxDeleteShare {maxShare:0.###}); no node is deleted; delete them with kubectl delete node if the servers really are gone"));
        }

        return new DeletionVerdict(confirmed, null);
    }
}
