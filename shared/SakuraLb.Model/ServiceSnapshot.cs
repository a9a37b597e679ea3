namespace SakuraLb.Model;

/// <summary>
/// The whole state of one Service that the controller needs, as the relay saw it. Level-triggered: every
/// snapshot replaces the previous one for the same <see cref="Uid"/>; the newest
/// <see cref="ResourceVersion"/> wins (<see cref="ResourceVersions"/>).
/// </summary>
public sealed record ServiceSnapshot
{
    public string Uid { get; init => field = value ?? ""; } = "";

    public string Namespace { get; init => field = value ?? ""; } = "";

    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>metadata.resourceVersion (opaque, in practice a decimal integer).</summary>
    public string ResourceVersion { get; init => field = value ?? ""; } = "";

    public long? Generation { get; init; }

    /// <summary>spec.type: "LoadBalancer", "ClusterIP", "NodePort", "ExternalName".</summary>
    public string Type { get; init => field = value ?? ""; } = "";

    public string? LoadBalancerClass { get; init; }

    public IReadOnlyList<ServicePortSnapshot> Ports { get; init => field = value ?? []; } = [];

    /// <summary>
    /// Annotations. The relay sends only keys with the prefix <see cref="WellKnown.AnnotationPrefix"/>
    /// (<see cref="WellKnown.IsOurAnnotation"/>); the type stays a full dictionary so the relay, not the
    /// model, decides what is forwarded.
    /// </summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();

    /// <summary>spec.loadBalancerIP (deprecated upstream, still honoured as the requested VIP).</summary>
    public string? LoadBalancerIP { get; init; }

    /// <summary>spec.externalTrafficPolicy: "Cluster" or "Local".</summary>
    public string? ExternalTrafficPolicy { get; init; }

    public int? HealthCheckNodePort { get; init; }

    /// <summary>
    /// Where the Service has endpoints, for <c>externalTrafficPolicy: Local</c> only; null for Cluster, and from a
    /// relay that does not watch EndpointSlices (every eligible node is then a real server).
    /// </summary>
    public ServiceEndpoints? Endpoints { get; init; }

    public IReadOnlyList<string>? IpFamilies { get; init; }

    public bool? AllocateLoadBalancerNodePorts { get; init; }

    public DateTimeOffset? DeletionTimestamp { get; init; }

    public IReadOnlyList<string> Finalizers { get; init => field = value ?? []; } = [];

    /// <summary>The IPs in status.loadBalancer.ingress now, so the function knows what is already written.</summary>
    public IReadOnlyList<string> CurrentIngress { get; init => field = value ?? []; } = [];

    /// <summary>
    /// Tombstone: the object is gone from the API server (a watch DELETED event, or absent from a relist)
    /// without our finalizer ever having held it. Only the identity fields are meaningful then.
    /// </summary>
    public bool Deleted { get; init; }

    /// <summary>
    /// A resync a user asked for (the value of the <see cref="WellKnown.ResyncRequestedAtAnnotation"/> annotation; the
    /// relay sends it here, not among <see cref="Annotations"/>): the function app reconciles a snapshot carrying a
    /// request its status has not answered yet even when nothing else changed, and answers each distinct value once
    /// (<see cref="ServiceStatus.Resync"/>). Null when the Service carries none. Additive: older function apps ignore it.
    /// </summary>
    public string? ResyncRequest { get; init; }

    /// <summary>True when metadata.finalizers holds the upstream load-balancer cleanup finalizer.</summary>
    public bool HasCleanupFinalizer =>
        Finalizers is not null && Finalizers.Contains(WellKnown.LoadBalancerCleanupFinalizer, StringComparer.Ordinal);

    /// <summary>"namespace/name", for messages and logs.</summary>
    public string Key => $"{Namespace}/{Name}";
}

/// <summary>One entry of spec.ports.</summary>
public sealed record ServicePortSnapshot
{
    public string? Name { get; init; }

    /// <summary>"TCP", "UDP" or "SCTP" (Kubernetes defaults a missing protocol to TCP).</summary>
    public string Protocol { get; init => field = value ?? "TCP"; } = "TCP";

    public int Port { get; init; }

    public int? NodePort { get; init; }

    /// <summary>targetPort as a string: a number or a named container port.</summary>
    public string? TargetPort { get; init; }

    public string? AppProtocol { get; init; }
}
