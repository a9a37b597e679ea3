using k8s;
using k8s.Models;
using SakuraLb.Model;
using SakuraLb.Reconcile;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Scope;
using SakuraLb.Relay.Projection;

namespace SakuraLb.Relay.Tracking;

/// <summary>The relay's view of one in-scope Service: its newest snapshot, digest and ingress entries.</summary>
public sealed record TrackedService(ServiceSnapshot Snapshot, UInt128 Fingerprint, IReadOnlyList<IngressPoint> Ingress)
{
    /// <summary>The Service's status.conditions as last seen (the relay writes BackendsHealthy among them).</summary>
    public IReadOnlyList<V1Condition> Conditions { get; init; } = [];

    /// <summary>
    /// The resourceVersion at which the current content (<see cref="Fingerprint"/>) appeared: a status computed from it
    /// or from a later version reflects the Service, whatever the relay's own writes did to the version since.
    /// </summary>
    public string ContentSince { get; init; } = Snapshot.ResourceVersion;

    /// <summary>The Service's status note annotation as it is now (<see cref="WellKnown.LoadBalancerStatusAnnotation"/>), to write it only when it differs.</summary>
    public string? StatusNote { get; init; }

    /// <summary>
    /// A status reflects the Service's content when it was computed from the resourceVersion where that content
    /// appeared or a later one (a later one with the same content is the relay's own status or finalizer write).
    /// </summary>
    public bool ReflectedBy(ServiceStatus? status)
    {
        if (status is null)
        {
            return false;
        }

        var observed = status.ObservedResourceVersion;
        return ResourceVersions.TryCompare(observed, ContentSince, out var order)
            ? order >= 0
            : string.Equals(observed, ContentSince, StringComparison.Ordinal)
                || string.Equals(observed, Snapshot.ResourceVersion, StringComparison.Ordinal);
    }
}

/// <summary>What an observed Service change means for the relay.</summary>
public enum ServiceChangeKind
{
    /// <summary>Not ours (foreign class, or not a load balancer and never ours): never forwarded, never touched.</summary>
    OutOfScope,

    /// <summary>Ours, but nothing the controller uses changed (resourceVersion, labels, foreign annotations, ...).</summary>
    Irrelevant,

    /// <summary>Ours and changed: forward the snapshot.</summary>
    Forward,

    /// <summary>Wants a load balancer but lacks the finalizer: it is added first, and the resulting update is forwarded.</summary>
    AwaitingFinalizer,

    /// <summary>
    /// <c>externalTrafficPolicy: Local</c> and its EndpointSlices not listed yet: forwarded once they are, so the
    /// function never sees "no endpoints" that were only not read yet.
    /// </summary>
    AwaitingEndpoints,

    /// <summary>Gone from the API server: forward a tombstone.</summary>
    Removed,

    /// <summary>Was ours and left the scope (e.g. the finalizer was released after a type change): forward its last state, then forget it.</summary>
    LeftScope,
}

/// <summary>One decision of the tracker; <see cref="Forward"/> is the snapshot to send, if any.</summary>
public sealed record ServiceChange(ServiceChangeKind Kind, string Uid, ServiceSnapshot? Forward)
{
    /// <summary>True when the status write-back should look at this Service again.</summary>
    public bool NeedsWriteBack => Kind is ServiceChangeKind.Irrelevant or ServiceChangeKind.Forward or ServiceChangeKind.AwaitingFinalizer or ServiceChangeKind.AwaitingEndpoints;
}

/// <summary>
/// Keeps the newest projection of every in-scope Service (keyed by UID) and decides, per watch event or
/// re-list, what to forward. Pure apart from its own state; thread-safe.
/// </summary>
public sealed class ServiceTracker
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, TrackedService> services = new(StringComparer.Ordinal);
    private readonly ControllerSettings settings;
    private readonly Func<string, bool> knownToFunction;
    private readonly Func<string, ServiceEndpoints?>? endpointsOf;

    /// <param name="settings">The scope settings (cluster id, loadBalancerClass) shared with the function app.</param>
    /// <param name="knownToFunction">True for a UID the function's status feed lists (see <see cref="ServiceScope.IsRelevant"/>).</param>
    /// <param name="endpointsOf">
    /// The endpoints of a Service by "namespace/name" (<see cref="EndpointTracker"/>), null while not listed yet; when
    /// given, Local Services carry them and wait for them. Without it no endpoints are forwarded (as before).
    /// </param>
    public ServiceTracker(ControllerSettings settings, Func<string, bool>? knownToFunction = null, Func<string, ServiceEndpoints?>? endpointsOf = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        this.knownToFunction = knownToFunction ?? (_ => false);
        this.endpointsOf = endpointsOf;
    }

    /// <summary>True when the Service's endpoints decide its real servers, so the relay must watch its EndpointSlices.</summary>
    public bool WantsEndpoints(ServiceSnapshot snapshot) =>
        endpointsOf is not null && snapshot is { Deleted: false } && LocalEndpoints.IsLocal(snapshot);

    /// <summary>True once a full list has been applied; before that nothing may be reported as deleted.</summary>
    public bool Synced { get; private set; }

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

    public ControllerSettings Settings => settings;

    public ServiceChange Apply(WatchEventType type, V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (gate)
        {
            return type == WatchEventType.Deleted ? Remove(service.Metadata?.Uid) : Upsert(service);
        }
    }

    /// <summary>
    /// Applies a complete list (the first list, or a re-list after 410 Gone): tracked Services missing from
    /// it were deleted while the relay was not watching and become tombstones.
    /// </summary>
    public IReadOnlyList<ServiceChange> Replace(IEnumerable<V1Service> list)
    {
        ArgumentNullException.ThrowIfNull(list);
        lock (gate)
        {
            var changes = new List<ServiceChange>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var service in list)
            {
                if (service?.Metadata?.Uid is not { Length: > 0 } uid)
                {
                    continue;
                }

                seen.Add(uid);
                changes.Add(Upsert(service));
            }

            foreach (var uid in services.Keys.Where(uid => !seen.Contains(uid)).ToArray())
            {
                changes.Add(Remove(uid));
            }

            Synced = true;
            return changes;
        }
    }

    public TrackedService? Get(string uid)
    {
        lock (gate)
        {
            return services.GetValueOrDefault(uid);
        }
    }

    /// <summary>The tracked Services with this namespace and name (normally one; two while a recreated Service's old UID is still being cleaned up).</summary>
    public IReadOnlyList<TrackedService> Find(string @namespace, string name)
    {
        lock (gate)
        {
            return services.Values.Where(t => t.Snapshot.Namespace == @namespace && t.Snapshot.Name == name).ToArray();
        }
    }

    /// <summary>Every tracked Service's UID (for a full write-back pass).</summary>
    public IReadOnlyList<string> Uids()
    {
        lock (gate)
        {
            return services.Keys.ToArray();
        }
    }

    /// <summary>The snapshots a full resync sends: every tracked Service except those still waiting for the finalizer.</summary>
    public IReadOnlyList<ServiceSnapshot> Forwardable() => [.. ForwardableTracked().Select(t => t.Snapshot)];

    /// <summary>The tracked Services a full resync sends, with what the tracker knows of each.</summary>
    public IReadOnlyList<TrackedService> ForwardableTracked()
    {
        lock (gate)
        {
            return services.Values.Where(t => !ServiceScope.NeedsFinalizer(t.Snapshot, settings) && !LacksEndpoints(t.Snapshot)).ToArray();
        }
    }

    /// <summary>
    /// The endpoints of the Services named <paramref name="key"/> ("namespace/name") moved: each tracked one is
    /// projected again with them and forwarded when its content changed.
    /// </summary>
    public IReadOnlyList<ServiceChange> RefreshEndpoints(string key)
    {
        lock (gate)
        {
            var matching = services.Values.Where(t => string.Equals(t.Snapshot.Key, key, StringComparison.Ordinal)).ToArray();
            return [.. matching.Select(t => Upsert(t.Snapshot, t.Ingress, t.Conditions, t.StatusNote))];
        }
    }

    /// <summary>Forgets everything (the relay lost leadership; the next leader term starts from a fresh list).</summary>
    public void Reset()
    {
        lock (gate)
        {
            services.Clear();
            Synced = false;
        }
    }

    private ServiceChange Upsert(V1Service service) =>
        Upsert(
            ServiceProjection.Project(service),
            ServiceProjection.Ingress(service),
            service.Status?.Conditions is { } conditions ? [.. conditions.Where(c => c is not null)] : [],
            ServiceProjection.StatusNoteOf(service));

    private ServiceChange Upsert(ServiceSnapshot snapshot, IReadOnlyList<IngressPoint> ingress, IReadOnlyList<V1Condition> conditions, string? statusNote)
    {
        var uid = snapshot.Uid;
        if (uid.Length == 0)
        {
            return new ServiceChange(ServiceChangeKind.OutOfScope, uid, null);
        }

        var previous = services.GetValueOrDefault(uid);
        if (!ServiceScope.IsRelevant(snapshot, settings, previous is not null || knownToFunction(uid)))
        {
            if (previous is null)
            {
                return new ServiceChange(ServiceChangeKind.OutOfScope, uid, null);
            }

            services.Remove(uid);
            return new ServiceChange(ServiceChangeKind.LeftScope, uid, snapshot);
        }

        // A resourceVersion only grows for one object: an older one is a late copy (a watch event that
        // arrives after the relay already applied the answer of its own write), never newer state.
        if (previous is not null
            && ResourceVersions.TryCompare(snapshot.ResourceVersion, previous.Snapshot.ResourceVersion, out var order)
            && order < 0)
        {
            return new ServiceChange(ServiceChangeKind.Irrelevant, uid, null);
        }

        if (endpointsOf is not null)
        {
            snapshot = snapshot with { Endpoints = WantsEndpoints(snapshot) ? endpointsOf(snapshot.Key) : null };
        }

        var fingerprint = Fingerprint.Of(snapshot);
        services[uid] = new TrackedService(snapshot, fingerprint, ingress)
        {
            Conditions = conditions,
            ContentSince = previous is not null && previous.Fingerprint == fingerprint ? previous.ContentSince : snapshot.ResourceVersion,
            StatusNote = statusNote,
        };
        if (ServiceScope.NeedsFinalizer(snapshot, settings))
        {
            return new ServiceChange(ServiceChangeKind.AwaitingFinalizer, uid, null);
        }

        if (LacksEndpoints(snapshot))
        {
            return new ServiceChange(ServiceChangeKind.AwaitingEndpoints, uid, null);
        }

        return previous is not null && previous.Fingerprint == fingerprint
            ? new ServiceChange(ServiceChangeKind.Irrelevant, uid, null)
            : new ServiceChange(ServiceChangeKind.Forward, uid, snapshot);
    }

    private bool LacksEndpoints(ServiceSnapshot snapshot) => WantsEndpoints(snapshot) && snapshot.Endpoints is null;

    private ServiceChange Remove(string? uid)
    {
        if (uid is null || !services.Remove(uid, out var previous))
        {
            return new ServiceChange(ServiceChangeKind.OutOfScope, uid ?? "", null);
        }

        return new ServiceChange(ServiceChangeKind.Removed, uid, ServiceProjection.Tombstone(previous.Snapshot));
    }
}
