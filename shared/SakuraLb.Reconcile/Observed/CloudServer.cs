namespace SakuraLb.Reconcile.Observed;

/// <summary>A Sakura server, by the fields node matching and node initialisation need.</summary>
public sealed record CloudServer
{
    public long Id { get; init; }

    /// <summary>The server name; a Kubernetes node matches the server whose name equals the node name exactly.</summary>
    public string Name { get; init; } = "";

    public IReadOnlyList<CloudServerNic> Nics { get; init; } = [];

    /// <summary>The host name registered with the server (the API's <c>HostName</c>), or null.</summary>
    public string? HostName { get; init; }

    /// <summary>The zone's name, e.g. <c>is1a</c> (the API's <c>Zone.Name</c>), or null when the answer had none.</summary>
    public string? Zone { get; init; }

    /// <summary>The power state (<c>Instance.Status</c>): up, down, or unknown when the answer had none.</summary>
    public InstanceStatus PowerState { get; init; }

    /// <summary>The server plan, or null when the answer had none.</summary>
    public CloudServerPlan? Plan { get; init; }
}

/// <summary>One NIC: the switch it is on and its addresses as the API reports them.</summary>
public sealed record CloudServerNic
{
    /// <summary>Null when the NIC is not connected.</summary>
    public long? SwitchId { get; init; }

    /// <summary>True on the zone's shared segment (the switch scope <c>shared</c>): the Internet itself.</summary>
    public bool SharedSegment { get; init; }

    /// <summary>API-assigned address (shared segment).</summary>
    public string? IPAddress { get; init; }

    /// <summary>User-registered address (router+switch or plain switch).</summary>
    public string? UserIPAddress { get; init; }

    /// <summary>The address that counts: the user-registered one, or the API-assigned one on the shared segment.</summary>
    public string? Address => string.IsNullOrWhiteSpace(UserIPAddress) ? (string.IsNullOrWhiteSpace(IPAddress) ? null : IPAddress) : UserIPAddress;
}

/// <summary>
/// A server plan by what tells plans apart for scheduling: cores, memory, GPUs and the CPU commitment
/// (<c>standard</c> or <c>dedicatedcpu</c>). The plan's display name is localised and never used.
/// </summary>
public sealed record CloudServerPlan
{
    public int Cpu { get; init; }

    public int MemoryMB { get; init; }

    public int Gpu { get; init; }

    /// <summary>The plan generation (100, 200, ...): informational, it does not change what a plan offers.</summary>
    public int Generation { get; init; }

    /// <summary><c>standard</c> or <c>dedicatedcpu</c>; null when the answer had none (read as standard).</summary>
    public string? Commitment { get; init; }
}
