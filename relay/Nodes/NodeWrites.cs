using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Nodes;

/// <summary>
/// The request bodies of the planned Node writes. Pure. Every patch names the Node's UID in <c>metadata.uid</c>: the
/// API server refuses a patch whose UID differs from the stored object's (422), so a Node recreated under the same
/// name is never written with the old one's data; a taint write also names the resourceVersion it was planned
/// from (409 when the Node changed since).
/// </summary>
public static class NodeWrites
{
    /// <summary>Where Events about Nodes (cluster-scoped) live, as kubelet's do.</summary>
    public const string EventNamespace = "default";

    /// <summary>A merge patch of the status subresource: the whole address list.</summary>
    public static V1Patch AddressesPatch(SetNodeAddresses action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var addresses = new JsonArray();
        foreach (var address in action.Addresses)
        {
            addresses.Add(new JsonObject { ["type"] = address.Type, ["address"] = address.Address });
        }

        var body = new JsonObject
        {
            ["metadata"] = new JsonObject { ["uid"] = action.Uid },
            ["status"] = new JsonObject { ["addresses"] = addresses },
        };
        return new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch);
    }

    /// <summary>A merge patch of providerID, the labels to add and, when given, the whole taint list (null when it becomes empty).</summary>
    public static V1Patch SpecPatch(PatchNode action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var metadata = new JsonObject { ["uid"] = action.Uid };
        if (action.ResourceVersion is not null)
        {
            metadata["resourceVersion"] = action.ResourceVersion;
        }

        if (action.Labels.Count > 0)
        {
            var labels = new JsonObject();
            foreach (var (key, value) in action.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                labels[key] = value;
            }

            metadata["labels"] = labels;
        }

        var spec = new JsonObject();
        if (action.ProviderId is not null)
        {
            spec["providerID"] = action.ProviderId;
        }

        if (action.Taints is not null)
        {
            spec["taints"] = action.Taints.Count == 0
                ? null
                : new JsonArray([.. action.Taints.Select(t => JsonNode.Parse(KubernetesJson.Serialize(t)))]);
        }

        var body = new JsonObject { ["metadata"] = metadata };
        if (spec.Count > 0)
        {
            body["spec"] = spec;
        }

        return new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch);
    }

    public static Eventsv1Event Event(RecordNodeEvent action, DateTimeOffset now, string reportingController, string reportingInstance)
    {
        ArgumentNullException.ThrowIfNull(action);
        var regarding = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = action.Name, Uid = action.Uid };
        return KubeWrites.Event(EventNamespace, regarding, action.Text, now, reportingController, reportingInstance);
    }
}
