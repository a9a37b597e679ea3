using k8s;
using k8s.Models;
using SakuraLb.Model;
using SakuraLb.Relay.Projection;

namespace SakuraLb.Relay.Tracking;

/// <summary>
/// The endpoints of the Services whose EndpointSlices the relay watches (the in-scope ones with
/// <c>externalTrafficPolicy: Local</c>), keyed by "namespace/name" (a slice names its Service by name, through the
/// <c>kubernetes.io/service-name</c> label). Per Service it keeps each slice's nodes (names only: a few bytes per
/// node, however many endpoints a slice holds) and the newest resourceVersion seen. A Service's summary exists only
/// once its slices were listed, so a Service is never forwarded with "no endpoints" it merely has not read yet.
/// Thread-safe; pure apart from its own state.
/// </summary>
public sealed class EndpointTracker
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> services = new(StringComparer.Ordinal);

    // Node names repeat across every slice of every Service: one string per name.
    private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);

    public static string Key(string @namespace, string name) => @namespace + "/" + name;

    /// <summary>Services being tracked (watched), listed or not.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return services.Count;
            }
        }
    }

    /// <summary>Starts tracking a Service (no summary until its slices are listed). False when it already was.</summary>
    public bool Track(string key)
    {
        lock (gate)
        {
            return services.TryAdd(key, new Entry());
        }
    }

    /// <summary>Stops tracking a Service and drops what is known of its slices.</summary>
    public void Forget(string key)
    {
        lock (gate)
        {
            services.Remove(key);
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            services.Clear();
            names.Clear();
        }
    }

    /// <summary>The summary to forward, or null while the Service's slices have not been listed (or it is not tracked).</summary>
    public ServiceEndpoints? Summary(string key)
    {
        lock (gate)
        {
            return services.TryGetValue(key, out var entry) ? entry.Summary : null;
        }
    }

    /// <summary>A complete list of the Service's slices. True when the summary's node sets changed (or it is the first).</summary>
    public bool Replace(string key, IReadOnlyList<V1EndpointSlice> slices, string resourceVersion)
    {
        ArgumentNullException.ThrowIfNull(slices);
        lock (gate)
        {
            if (!services.TryGetValue(key, out var entry))
            {
                return false;
            }

            entry.Slices.Clear();
            foreach (var slice in slices)
            {
                if (slice?.Metadata?.Name is { Length: > 0 } name)
                {
                    entry.Slices[name] = Intern(EndpointSliceProjection.Project(slice));
                    entry.Advance(slice.Metadata.ResourceVersion);
                }
            }

            entry.Advance(resourceVersion);
            return entry.Recompute(listed: true);
        }
    }

    /// <summary>One watch event of the Service's slices. True when the summary's node sets changed.</summary>
    public bool Apply(string key, WatchEventType type, V1EndpointSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        lock (gate)
        {
            if (!services.TryGetValue(key, out var entry) || slice.Metadata?.Name is not { Length: > 0 } name)
            {
                return false;
            }

            if (type == WatchEventType.Deleted)
            {
                entry.Slices.Remove(name);
            }
            else
            {
                entry.Slices[name] = Intern(EndpointSliceProjection.Project(slice));
            }

            entry.Advance(slice.Metadata.ResourceVersion);
            return entry.Listed && entry.Recompute(listed: true);
        }
    }

    private SliceNodes Intern(SliceNodes nodes) =>
        nodes.Ready.Count == 0 && nodes.Serving.Count == 0 ? SliceNodes.Empty : new SliceNodes([.. nodes.Ready.Select(Intern)], [.. nodes.Serving.Select(Intern)]);

    private string Intern(string name)
    {
        if (!names.TryGetValue(name, out var kept))
        {
            names[name] = kept = name;
        }

        return kept;
    }

    private sealed class Entry
    {
        public Dictionary<string, SliceNodes> Slices { get; } = new(StringComparer.Ordinal);

        public string Revision { get; private set; } = "";

        public bool Listed { get; private set; }

        public ServiceEndpoints? Summary { get; private set; }

        /// <summary>The revision only grows: a slice deleted or an older event never moves it back.</summary>
        public void Advance(string? resourceVersion)
        {
            if (!string.IsNullOrEmpty(resourceVersion) && ResourceVersions.IsNewer(resourceVersion, Revision))
            {
                Revision = resourceVersion;
            }
        }

        /// <summary>
        /// The union over the slices (a node ready in one slice is ready; serving only where no slice has it ready).
        /// True when the node sets differ from the last summary; the summary always takes the current revision.
        /// </summary>
        public bool Recompute(bool listed)
        {
            var ready = new SortedSet<string>(StringComparer.Ordinal);
            var serving = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var slice in Slices.Values)
            {
                ready.UnionWith(slice.Ready);
                serving.UnionWith(slice.Serving);
            }

            serving.ExceptWith(ready);
            var previous = Summary;
            var changed = !Listed
                || previous is null
                || !previous.ReadyNodes.SequenceEqual(ready, StringComparer.Ordinal)
                || !previous.ServingNodes.SequenceEqual(serving, StringComparer.Ordinal);
            Listed = listed;
            Summary = changed
                ? new ServiceEndpoints { Revision = Revision, ReadyNodes = [.. ready], ServingNodes = [.. serving] }
                : previous! with { Revision = Revision };
            return changed;
        }
    }
}
