using k8s.Models;
using SakuraLb.Model;
using SakuraLb.Reconcile;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Relay.Status;
using SakuraLb.Relay.Tracking;

namespace SakuraLb.Relay.Nodes;

/// <summary>One write to a Node, planned by <see cref="NodeWritePlanner"/>; every one names the Node's UID.</summary>
public abstract record NodeWriteAction(string Name, string Uid) : KubeWriteAction;

/// <summary>Write status.addresses (merge patch of the status subresource).</summary>
public sealed record SetNodeAddresses(string Name, string Uid, IReadOnlyList<NodeAddressSnapshot> Addresses) : NodeWriteAction(Name, Uid)
{
    public override string Kind => "node_addresses";
}

/// <summary>
/// Set the providerID and add labels, and replace the taint list when <see cref="Taints"/> is not null (then the
/// write also carries the resourceVersion the list was read at, as the taint list has no merge key).
/// </summary>
public sealed record PatchNode(
    string Name,
    string Uid,
    string? ProviderId,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<V1Taint>? Taints,
    string? ResourceVersion) : NodeWriteAction(Name, Uid)
{
    public override string Kind => "node_spec";
}

/// <summary>Delete the Node (its server is gone).</summary>
public sealed record DeleteNode(string Name, string Uid) : NodeWriteAction(Name, Uid)
{
    public override string Kind => "node_delete";
}

/// <summary>Record an Event about the Node; the name is deterministic, so a repeat is refused as already existing.</summary>
public sealed record RecordNodeEvent(string Name, string Uid, EventText Text, string? PhaseKey, string? WarningKey) : NodeWriteAction(Name, Uid)
{
    public override string Kind => "node_event";
}

/// <summary>
/// Decides the writes that bring a Node in line with the node controller's result for it, against the Node as the
/// relay sees it now: only to the Node with the result's UID; the providerID only when the Node has none; labels only
/// where the Node has no label of that key; addresses when they differ; taints when they differ, in the same write as
/// the providerID and labels (so a Node loses the uninitialized taint together with getting them). Events come last
/// (after the writes they report), except before a deletion. Pure.
/// </summary>
public static class NodeWritePlanner
{
    public const string ActionSync = "SyncNode";
    public const string ActionDelete = "DeleteNode";
    public const string NoSchedule = "NoSchedule";

    public static IReadOnlyList<NodeWriteAction> Plan(TrackedNode node, NodeResult result, EventMemory? memory)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(result);
        var current = node.Snapshot;
        if (!string.Equals(current.Uid, result.Uid, StringComparison.Ordinal) || current.Uid.Length == 0 || current.DeletionTimestamp is not null)
        {
            // Another Node of the same name (deleted and registered again), or one on its way out.
            return [];
        }

        var events = Events(result, memory ?? new EventMemory()).ToList();
        if (result.Delete)
        {
            return [.. events, new DeleteNode(result.Name, result.Uid)];
        }

        var actions = new List<NodeWriteAction>();
        if (result.Addresses is { Count: > 0 } addresses && !NodeAddressing.SameAddresses(current.Addresses, addresses))
        {
            actions.Add(new SetNodeAddresses(result.Name, result.Uid, addresses));
        }

        var providerId = string.IsNullOrEmpty(current.ProviderId) && !string.IsNullOrEmpty(result.ProviderId) ? result.ProviderId : null;
        var labels = result.Labels
            .Where(l => !current.Labels.ContainsKey(l.Key) && WellKnown.IsRelevantNodeLabel(l.Key) && NodeLabels.IsValidValue(l.Value))
            .ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        var taints = Taints(node.Taints, result);
        if (providerId is not null || labels.Count > 0 || taints is not null)
        {
            actions.Add(new PatchNode(result.Name, result.Uid, providerId, labels, taints, taints is null ? null : current.ResourceVersion));
        }

        actions.AddRange(events);
        return actions;
    }

    /// <summary>The taint list after the result's changes, or null when it stays as it is.</summary>
    public static IReadOnlyList<V1Taint>? Taints(IReadOnlyList<V1Taint> current, NodeResult result)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(result);
        var list = current.ToList();
        var changed = false;
        if (result.Initialized)
        {
            changed |= list.RemoveAll(t => t.Key == WellKnown.UninitializedTaint) > 0;
        }

        if (result.Shutdown == true && !list.Any(t => t.Key == WellKnown.ShutdownTaint))
        {
            list.Add(new V1Taint { Key = WellKnown.ShutdownTaint, Effect = NoSchedule });
            changed = true;
        }
        else if (result.Shutdown == false)
        {
            changed |= list.RemoveAll(t => t.Key == WellKnown.ShutdownTaint) > 0;
        }

        return changed ? list : null;
    }

    public static string PhaseKeyOf(NodeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"{result.ReasonCode}\n{result.Since.UtcTicks}";
    }

    private static IEnumerable<RecordNodeEvent> Events(NodeResult result, EventMemory memory)
    {
        var phaseKey = PhaseKeyOf(result);
        if (result.ReasonCode.Length > 0 && !string.Equals(memory.PhaseKey, phaseKey, StringComparison.Ordinal))
        {
            var severity = ReasonCodes.Find(result.ReasonCode)?.Severity;
            yield return new RecordNodeEvent(
                result.Name,
                result.Uid,
                new EventText(
                    WriteBackPlanner.EventName(result.Name, result.Uid, "node\n" + phaseKey),
                    severity is ReasonSeverity.Warning or ReasonSeverity.Error ? "Warning" : "Normal",
                    result.ReasonCode,
                    result.Delete ? ActionDelete : ActionSync,
                    WriteBackPlanner.Note(result.Message.Length > 0 ? result.Message : result.ReasonCode)),
                phaseKey,
                null);
        }

        foreach (var (text, key) in WriteBackPlanner.WarningEvents(result.Name, result.Uid, "node-warning", ActionSync, result.Warnings, memory))
        {
            yield return new RecordNodeEvent(result.Name, result.Uid, text, null, key);
        }
    }
}
