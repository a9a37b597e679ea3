namespace SakuraLb.Reconcile.Observed;

/// <summary>A Sakura server, by the fields node matching needs.</summary>
public sealed record CloudServer
{
    public long Id { get; init; }

    /// <summary>The server name; a Kubernetes node matches the server whose name equals the node name exactly.</summary>
    public string Name { get; init; } = "";

    public IReadOnlyList<CloudServerNic> Nics { get; init; } = [];
}

/// <summary>One NIC: the switch it is on and its addresses as the API reports them.</summary>
public sealed record CloudServerNic
{
    /// <summary>Null when the NIC is not connected.</summary>
    public long? SwitchId { get; init; }

    /// <summary>API-assigned address (shared segment).</summary>
    public string? IPAddress { get; init; }

    /// <summary>User-registered address (router+switch or plain switch).</summary>
    public string? UserIPAddress { get; init; }

    /// <summary>The address that counts: the user-registered one, or the API-assigned one on the shared segment.</summary>
    public string? Address => string.IsNullOrWhiteSpace(UserIPAddress) ? (string.IsNullOrWhiteSpace(IPAddress) ? null : IPAddress) : UserIPAddress;
}
