namespace SakuraLb.Model;

/// <summary>The state of one Node that the controller needs, as the relay saw it.</summary>
public sealed record NodeSnapshot
{
    public string Name
    {
        get => name;
        init => name = value ?? "";
    }

    private readonly string name = "";

    public string Uid

    {

        get => uid;

        init => uid = value ?? "";

    }


    private readonly string uid = "";

    public string ResourceVersion

    {

        get => resourceVersion;

        init => resourceVersion = value ?? "";

    }


    private readonly string resourceVersion = "";

    /// <summary>spec.providerID, e.g. "sakuracloud://113100000101" (informational; nodes are matched by name).</summary>
    public string? ProviderId { get; init; }

    public IReadOnlyList<NodeAddressSnapshot> Addresses

    {

        get => addresses;

        init => addresses = value ?? [];

    }


    private readonly IReadOnlyList<NodeAddressSnapshot> addresses = [];

    /// <summary>
    /// Labels. The relay sends only the labels the controller reads
    /// (<see cref="WellKnown.IsRelevantNodeLabel"/>: the external-LB exclusion label).
    /// </summary>
    public IReadOnlyDictionary<string, string> Labels
    {
        get => labels;
        init => labels = value ?? new Dictionary<string, string>();
    }

    private readonly IReadOnlyDictionary<string, string> labels = new Dictionary<string, string>();

    /// <summary>Taints. The relay sends only those that matter (<see cref="WellKnown.IsRelevantNodeTaint"/>).</summary>
    public IReadOnlyList<NodeTaintSnapshot> Taints
    {
        get => taints;
        init => taints = value ?? [];
    }

    private readonly IReadOnlyList<NodeTaintSnapshot> taints = [];

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
    public string Key
    {
        get => key;
        init => key = value ?? "";
    }

    private readonly string key = "";

    public string? Value { get; init; }

    /// <summary>"NoSchedule", "PreferNoSchedule" or "NoExecute".</summary>
    public string Effect
    {
        get => effect;
        init => effect = value ?? "";
    }

    private readonly string effect = "";
}
