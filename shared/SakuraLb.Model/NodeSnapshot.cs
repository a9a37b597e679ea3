namespace SakuraLb.Model;

/// <summary>The state of one Node that the controller needs, as the relay saw it.</summary>
public sealed record NodeSnapshot
{
    public string Name { get; init => field = value ?? ""; } = "";

    public string Uid { get; init => field = value ?? ""; } = "";

    public string ResourceVersion { get; init => field = value ?? ""; } = "";

    /// <summary>
    /// spec.providerID, e.g. "sakuracloud://113100000101". Load balancers match nodes by name; node initialisation
    /// and lifecycle find the server by this id once it is set.
    /// </summary>
    public string? ProviderId { get; init; }

    /// <summary>Every entry of status.addresses (InternalIP, ExternalIP, Hostname, ...), in a stable order.</summary>
    public IReadOnlyList<NodeAddressSnapshot> Addresses { get; init => field = value ?? []; } = [];

    /// <summary>The <see cref="WellKnown.ProvidedNodeIpAnnotation"/> annotation: the kubelet's <c>--node-ip</c>, if it was given.</summary>
    public string? ProvidedNodeIp { get; init; }

    /// <summary>
    /// Labels. The relay sends only the labels the controller reads
    /// (<see cref="WellKnown.IsRelevantNodeLabel"/>: the external-LB exclusion label and the zone, region and
    /// instance-type labels).
    /// </summary>
    public IReadOnlyDictionary<string, string> Labels { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();

    /// <summary>Taints. The relay sends only those that matter (<see cref="WellKnown.IsRelevantNodeTaint"/>).</summary>
    public IReadOnlyList<NodeTaintSnapshot> Taints { get; init => field = value ?? []; } = [];

    /// <summary>The Ready condition. Informational only: readiness never removes a node from a load balancer.</summary>
    public bool? Ready { get; init; }

    public DateTimeOffset? DeletionTimestamp { get; init; }

    public bool Unschedulable { get; init; }
}

/// <summary>One entry of status.addresses: Type is "InternalIP", "ExternalIP", "Hostname", ...</summary>
public sealed record NodeAddressSnapshot(string Type, string Address);

/// <summary>One entry of spec.taints.</summary>
public sealed record NodeTaintSnapshot
{
    public string Key { get; init => field = value ?? ""; } = "";

    public string? Value { get; init; }

    /// <summary>"NoSchedule", "PreferNoSchedule" or "NoExecute".</summary>
    public string Effect { get; init => field = value ?? ""; } = "";
}
