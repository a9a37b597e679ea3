namespace SakuraLb.Model;

/// <summary>A request the relay (or an operator) sends the function app: it names its protocol version and cluster.</summary>
public interface IRelayMessage
{
    int Version { get; }

    string ClusterId { get; }
}

/// <summary>
/// relay → function: the newest snapshots of some Services, and optionally the whole node set.
/// </summary>
public sealed record EventBatch : IRelayMessage
{
    public int Version { get; init; } = ProtocolVersion.Current;

    public string ClusterId { get; init => field = value ?? ""; } = "";

    public DateTimeOffset SentAt { get; init; }

    public IReadOnlyList<ServiceSnapshot> Services { get; init => field = value ?? []; } = [];

    /// <summary>The cluster's whole node set, when it changed or on a periodic resync; null when unchanged.</summary>
    public NodeSetSnapshot? Nodes { get; init; }
}

/// <summary>
/// Always the whole node set of the cluster, so a node that disappeared simply is not in it (no tombstones).
/// </summary>
public sealed record NodeSetSnapshot
{
    /// <summary>The list's resourceVersion, or the highest node resourceVersion in the set.</summary>
    public string ResourceVersion { get; init => field = value ?? ""; } = "";

    public IReadOnlyList<NodeSnapshot> Nodes { get; init => field = value ?? []; } = [];

    /// <summary>True when <see cref="Nodes"/> is the complete set (it always is in protocol version 1).</summary>
    public bool Complete { get; init; } = true;

    /// <summary>What this relay does beyond protocol version 1's basics, e.g. <see cref="ProtocolVersion.NodeLifecycleFeature"/>.</summary>
    public IReadOnlyList<string> Features { get; init => field = value ?? []; } = [];
}

/// <summary>Lifecycle of a Service's load balancer as the function app reports it.</summary>
public enum ServicePhase
{
    Provisioning,
    Ready,
    Deleting,
    Deleted,
    Failed,
}

/// <summary>function → relay: what the relay should write to each Service.</summary>
public sealed record StatusFeed
{
    public int Version { get; init; } = ProtocolVersion.Current;

    public string ClusterId { get; init => field = value ?? ""; } = "";

    /// <summary>Opaque tag of this feed, for conditional polling (If-None-Match).</summary>
    public string? ETag { get; init; }

    /// <summary>
    /// Opaque fingerprint of the node set the function app holds (what real-server choice reads); an entry whose
    /// <see cref="ServiceStatus.ObservedNodeFingerprint"/> differs has not reconciled it yet. Null from function
    /// apps that do not report it.
    /// </summary>
    public string? NodeFingerprint { get; init; }

    public IReadOnlyList<ServiceStatus> Services { get; init => field = value ?? []; } = [];

    /// <summary>
    /// What each Node should carry, from the node controller; null when this function app runs none (it is
    /// switched off, or the app predates it).
    /// </summary>
    public IReadOnlyList<NodeResult>? Nodes { get; init; }
}

/// <summary>The outcome of the last reconcile of one Service.</summary>
public sealed record ServiceStatus
{
    public string Uid { get; init => field = value ?? ""; } = "";

    public string Namespace { get; init => field = value ?? ""; } = "";

    public string Name { get; init => field = value ?? ""; } = "";

    public ServicePhase Phase { get; init; }

    /// <summary>The IPs for status.loadBalancer.ingress (the VIP; DSR, so ipMode VIP).</summary>
    public IReadOnlyList<string> IngressIps { get; init => field = value ?? []; } = [];

    /// <summary>A reason code from the closed set in SakuraLb.Reconcile (ReasonCodes).</summary>
    public string? ReasonCode { get; init; }

    public string? Message { get; init; }

    /// <summary>The Service resourceVersion this status was computed from.</summary>
    public string ObservedResourceVersion { get; init => field = value ?? ""; } = "";

    /// <summary>
    /// The <see cref="StatusFeed.NodeFingerprint"/> the load balancer's real servers were computed from; null when it
    /// has none (no load balancer, an invalid spec), so no node change concerns it.
    /// </summary>
    public string? ObservedNodeFingerprint { get; init; }

    /// <summary>True once every cloud resource of the Service is gone: the relay may remove the finalizer.</summary>
    public bool FinalizerReleasable { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Service status.conditions to write (LoadBalancerProvisioned, ConfigInSync, ...).</summary>
    public IReadOnlyList<StatusCondition>? Conditions { get; init; }

    /// <summary>Non-fatal problems (e.g. a node without an address) for the relay to surface as Warning events.</summary>
    public IReadOnlyList<StatusWarning>? Warnings { get; init; }

    /// <summary>Health of the load balancer's real servers (Events, the BackendsHealthy condition, metrics); null until read.</summary>
    public BackendHealth? Backends { get; init; }

    /// <summary>
    /// The answer to the last resync request (<see cref="ServiceSnapshot.ResyncRequest"/>) a reconcile of this Service
    /// handled; null when the Service never asked (or the function app predates requests).
    /// </summary>
    public ResyncOutcome? Resync { get; init; }

    /// <summary>The load balancer that serves the Service, as the last settled plan found it; null while there is none.</summary>
    public LoadBalancerSummary? LoadBalancer { get; init; }
}

/// <summary>
/// What a user wants to see of a Service's load balancer without cloud credentials: the appliance's id and name,
/// plan, whether it is an HA pair, and its real servers (the same set for every port). Additive: older relays
/// ignore it.
/// </summary>
public sealed record LoadBalancerSummary
{
    public long? Id { get; init; }

    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>"standard" or "premium".</summary>
    public string Plan { get; init => field = value ?? ""; } = "";

    public bool HighAvailability { get; init; }

    public IReadOnlyList<RealServerSummary> RealServers { get; init => field = value ?? []; } = [];

    /// <summary>Same content (the lists compared entry by entry).</summary>
    public static bool Same(LoadBalancerSummary? a, LoadBalancerSummary? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Id == b.Id && a.Name == b.Name && a.Plan == b.Plan && a.HighAvailability == b.HighAvailability && a.RealServers.SequenceEqual(b.RealServers);
}

/// <summary>One real server: the node and the address the load balancer sends to.</summary>
public sealed record RealServerSummary(string Node, string Address);

/// <summary>
/// The value of the <see cref="WellKnown.LoadBalancerStatusAnnotation"/> the relay writes on each Service (JSON): the
/// function app's last word on it, for users and tools that read the cluster only.
/// </summary>
public sealed record LoadBalancerStatusNote
{
    public ServicePhase Phase { get; init; }

    public string? ReasonCode { get; init; }

    public string? Message { get; init; }

    /// <summary>When the function app last published a status for the Service (its last reconcile that changed something).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    public LoadBalancerSummary? LoadBalancer { get; init; }

    public ResyncOutcome? Resync { get; init; }

    public static LoadBalancerStatusNote Of(ServiceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new() { Phase = status.Phase, ReasonCode = status.ReasonCode, Message = status.Message, UpdatedAt = status.UpdatedAt, LoadBalancer = status.LoadBalancer, Resync = status.Resync };
    }
}

/// <summary>
/// How a requested resync went: the request's value, how long from the moment the function app stored it to the
/// published outcome, and what the reconcile changed in the cloud ("no change", or the steps it ran).
/// </summary>
public sealed record ResyncOutcome(string Request, double Seconds, string Changes)
{
    /// <summary>
    /// The answer in words, as the relay's Event and the kubectl plugin say it: "Resync requested; reconciled in 2.1 s:
    /// no change", and the outcome when the load balancer is not ready.
    /// </summary>
    public string Sentence(ServicePhase phase, string? reasonCode, string? message)
    {
        var seconds = Seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        var outcome = phase == ServicePhase.Ready ? "" : $"; now {phase} ({reasonCode ?? phase.ToString()}): {message}";
        return $"Resync requested; reconciled in {seconds} s: {Changes}{outcome}";
    }
}

/// <summary>A Kubernetes-style condition: Status is "True", "False" or "Unknown".</summary>
public sealed record StatusCondition(string Type, string Status, string Reason, string Message);

/// <summary>A non-fatal problem: a reason code and a message a user can act on.</summary>
public sealed record StatusWarning(string ReasonCode, string Message);

/// <summary>operator/relay → function: reconcile everything, one namespace, or one Service now.</summary>
public sealed record ResyncRequest : IRelayMessage
{
    public int Version { get; init; } = ProtocolVersion.Current;

    public string ClusterId { get; init => field = value ?? ""; } = "";

    public string? Namespace { get; init; }

    public string? Name { get; init; }
}

/// <summary>The reconciles a resync started.</summary>
public sealed record ResyncResponse
{
    public int Version { get; init; } = ProtocolVersion.Current;

    public IReadOnlyList<string> StartedInstanceIds { get; init => field = value ?? []; } = [];

    public IReadOnlyList<ServiceReference> Services { get; init => field = value ?? []; } = [];
}

/// <summary>Identity of a Service.</summary>
public sealed record ServiceReference(string Uid, string Namespace, string Name);
