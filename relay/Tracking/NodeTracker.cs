using k8s;
using k8s.Models;
using SakuraLb.Model;
using SakuraLb.Relay.Projection;

namespace SakuraLb.Relay.Tracking;

/// <summary>
/// Keeps the projection of every Node and decides whether a change alters the node set the controller
/// sees. Heartbeats, condition churn and resourceVersion-only updates leave every projection unchanged
/// and are reported as irrelevant. Thread-safe.
/// </summary>
public sealed class NodeTracker
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (TrackedNode Node, UInt128 Fingerprint)> nodes = new(StringComparer.Ordinal);
    private string resourceVersion = "";

    /// <summary>True once a full list has been applied; the node set is never sent before (an empty set would remove every backend).</summary>
    public bool Synced { get; private set; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return nodes.Count;
            }
        }
    }

    /// <summary>Applies one watch event; true when the node set changed.</summary>
    public bool Apply(WatchEventType type, V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        lock (gate)
        {
            Advance(node.Metadata?.ResourceVersion);
            var name = node.Metadata?.Name;
            if (string.IsNullOrEmpty(name))
            {
                return false;
            }

            if (type == WatchEventType.Deleted)
            {
                return nodes.Remove(name);
            }

            if (nodes.TryGetValue(name, out var known)
                && string.Equals(known.Node.Snapshot.Uid, node.Metadata?.Uid, StringComparison.Ordinal)
                && ResourceVersions.IsNewer(known.Node.Snapshot.ResourceVersion, node.Metadata?.ResourceVersion ?? ""))
            {
                // Older than what a write's answer already showed: the watch is catching up.
                return false;
            }

            return Upsert(node);
        }
    }

    /// <summary>The newest state of a Node, or null when it is not (or no longer) in the set.</summary>
    public TrackedNode? Get(string name)
    {
        lock (gate)
        {
            return nodes.TryGetValue(name, out var entry) ? entry.Node : null;
        }
    }

    /// <summary>Records a bookmark's resourceVersion, so the next node set carries it.</summary>
    public void Observe(string? bookmarkResourceVersion)
    {
        lock (gate)
        {
            Advance(bookmarkResourceVersion);
        }
    }

    /// <summary>Applies a complete list; true when the set differs from the tracked one (always true for the first list).</summary>
    public bool Replace(IEnumerable<V1Node> list, string? listResourceVersion)
    {
        ArgumentNullException.ThrowIfNull(list);
        lock (gate)
        {
            var changed = !Synced;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in list)
            {
                if (node?.Metadata?.Name is not { Length: > 0 } name)
                {
                    continue;
                }

                seen.Add(name);
                changed |= Upsert(node);
            }

            foreach (var name in nodes.Keys.Where(n => !seen.Contains(n)).ToArray())
            {
                nodes.Remove(name);
                changed = true;
            }

            Advance(listResourceVersion);
            Synced = true;
            return changed;
        }
    }

    /// <summary>The whole node set, or null before the first list.</summary>
    public NodeSetSnapshot? Current()
    {
        lock (gate)
        {
            if (!Synced)
            {
                return null;
            }

            return new NodeSetSnapshot
            {
                ResourceVersion = resourceVersion,
                Complete = true,
                Nodes = nodes.Values.Select(n => n.Node.Snapshot).OrderBy(n => n.Name, StringComparer.Ordinal).ToArray(),
                Features = [ProtocolVersion.NodeLifecycleFeature],
            };
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            nodes.Clear();
            resourceVersion = "";
            Synced = false;
        }
    }

    /// <summary>Stores the newest state (every event: the resourceVersion and the whole taint list stay current); true when the projection changed.</summary>
    private bool Upsert(V1Node node)
    {
        var snapshot = NodeProjection.Project(node);
        var fingerprint = Fingerprint.Of(snapshot);
        var changed = !nodes.TryGetValue(snapshot.Name, out var previous) || previous.Fingerprint != fingerprint;
        nodes[snapshot.Name] = (new TrackedNode(snapshot, [.. node.Spec?.Taints?.Where(t => t is not null) ?? []]), fingerprint);
        return changed;
    }

    private void Advance(string? candidate)
    {
        if (!string.IsNullOrEmpty(candidate) && (resourceVersion.Length == 0 || ResourceVersions.IsNewer(candidate, resourceVersion)))
        {
            resourceVersion = candidate;
        }
    }
}
