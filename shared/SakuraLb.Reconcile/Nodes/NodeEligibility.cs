namespace SakuraLb.Reconcile.Nodes;

/// <summary>Why a node is not a real-server candidate.</summary>
public enum NodeExclusion
{
    None,
    Deleting,
    ExcludedByLabel,
    ToBeDeletedByAutoscaler,
}

/// <summary>
/// Upstream's stable node-set predicates (KEP-3458): a node is a backend unless it is being deleted,
/// carries the exclusion label (value "false" keeps it in; an unparsable value excludes), or carries the
/// autoscaler's to-be-deleted taint. Readiness does not count: the health check decides where traffic
/// flows, and flapping kubelets must not rewrite load balancers.
/// </summary>
public static class NodeEligibility
{
    public static NodeExclusion Evaluate(NodeSnapshot node)
    {
        if (node.DeletionTimestamp is not null)
        {
            return NodeExclusion.Deleting;
        }

        if (node.Labels.TryGetValue(WellKnown.ExcludeFromExternalLoadBalancersLabel, out var value)
            && ParseBool(value) != false)
        {
            return NodeExclusion.ExcludedByLabel;
        }

        return node.Taints.Any(t => t is not null && string.Equals(t.Key, WellKnown.ToBeDeletedByClusterAutoscalerTaint, StringComparison.Ordinal))
            ? NodeExclusion.ToBeDeletedByAutoscaler
            : NodeExclusion.None;
    }

    public static bool IsEligible(NodeSnapshot node) => Evaluate(node) == NodeExclusion.None;

    /// <summary>
    /// Go's strconv.ParseBool, which upstream uses for the label: 1 t T TRUE true True / 0 f F FALSE false
    /// False. Anything else is null (unparsable).
    /// </summary>
    public static bool? ParseBool(string? value) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };

    /// <summary>
    /// True when a node update can change some Service's real servers. Broader than upstream's
    /// <c>shouldSyncUpdatedNode</c>, which syncs on a change of the exclusion label or the provider ID only: real
    /// servers are addresses here, so an address or name change counts, and so does every exclusion
    /// <see cref="Evaluate"/> knows, a deletion timestamp and the autoscaler's taint included.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Deliberately not aligned with upstream on the deletion timestamp and the taint. Upstream leaves those to its
    /// periodic full node sync (every 100 seconds), which applies the same predicates and so drops the node then; this
    /// controller has no such short full sync (its periodic resync is minutes apart), so waiting for it would keep
    /// traffic on a node that is going away. Resyncing at once reaches the same node set upstream reaches, only
    /// sooner, and the node's deletion itself resyncs in both.
    /// </para>
    /// <para>
    /// Not called by the product: the relay forwards the node set when a node's projection changes, and the
    /// function app decides which load balancers a new node set touches by hashing the same inputs over the
    /// whole set (<see cref="NodeFingerprint.Eligible"/>), which follows the same rule.
    /// </para>
    /// </remarks>
    public static bool ShouldResync(NodeSnapshot? before, NodeSnapshot? after)
    {
        if (before is null || after is null)
        {
            return before is not null || after is not null;
        }

        return Evaluate(before) != Evaluate(after)
            || !string.Equals(before.Name, after.Name, StringComparison.Ordinal)
            || !string.Equals(before.ProviderId, after.ProviderId, StringComparison.Ordinal)
            || !before.Addresses.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Address, StringComparer.Ordinal)
                .SequenceEqual(after.Addresses.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Address, StringComparer.Ordinal));
    }
}
