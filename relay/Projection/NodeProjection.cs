using k8s.Models;
using SakuraLb.Model;

namespace SakuraLb.Relay.Projection;

/// <summary>
/// Turns a Node into the snapshot the controller reads: name, identity, providerID, addresses, the
/// provided node IP, the exclusion, zone, region and instance-type labels, the autoscaler's and the node
/// controller's taints, deletion and cordon. Conditions (Ready included) and heartbeats are left out on
/// purpose: readiness never removes a node from a load balancer (the LB's health check decides), and kubelets
/// renew their status every few seconds, so projecting them would forward the whole node set on every heartbeat.
/// </summary>
public static class NodeProjection
{
    public static NodeSnapshot Project(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var meta = node.Metadata ?? new V1ObjectMeta();
        return new NodeSnapshot
        {
            Name = meta.Name ?? "",
            Uid = meta.Uid ?? "",
            ResourceVersion = meta.ResourceVersion ?? "",
            ProviderId = string.IsNullOrEmpty(node.Spec?.ProviderID) ? null : node.Spec.ProviderID,
            Addresses = node.Status?.Addresses?
                .Where(a => a is not null && !string.IsNullOrEmpty(a.Type) && !string.IsNullOrEmpty(a.Address))
                .Select(a => new NodeAddressSnapshot(a.Type, a.Address))
                .OrderBy(a => a.Type, StringComparer.Ordinal)
                .ThenBy(a => a.Address, StringComparer.Ordinal)
                .ToArray() ?? [],
            ProvidedNodeIp = meta.Annotations?.TryGetValue(WellKnown.ProvidedNodeIpAnnotation, out var nodeIp) == true && !string.IsNullOrEmpty(nodeIp) ? nodeIp : null,
            Labels = ServiceProjection.Kept(meta.Labels, WellKnown.IsRelevantNodeLabel),
            Taints = node.Spec?.Taints?
                .Where(t => t is not null && WellKnown.IsRelevantNodeTaint(t.Key ?? ""))
                .Select(t => new NodeTaintSnapshot { Key = t.Key, Value = t.Value, Effect = t.Effect })
                .OrderBy(t => t.Key, StringComparer.Ordinal)
                .ThenBy(t => t.Effect, StringComparer.Ordinal)
                .ToArray() ?? [],
            Ready = null,
            DeletionTimestamp = ServiceProjection.ToOffset(meta.DeletionTimestamp),
            Unschedulable = node.Spec?.Unschedulable ?? false,
        };
    }
}
