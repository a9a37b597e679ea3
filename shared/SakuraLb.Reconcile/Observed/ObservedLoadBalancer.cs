namespace SakuraLb.Reconcile.Observed;

/// <summary>
/// A load-balancer appliance as read from the API. Numbers and flags stay in their wire form (strings)
/// where the API sends strings; the planner compares them semantically ("80" = 80, "True" = true).
/// </summary>
public sealed record ObservedLoadBalancer
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init; } = [];

    public ApplianceAvailability Availability { get; init; }

    public InstanceStatus InstanceStatus { get; init; }

    /// <summary>Remark.Switch.ID (or the top-level Switch.ID).</summary>
    public long? SwitchId { get; init; }

    /// <summary>Remark.VRRP.VRID.</summary>
    public int? Vrid { get; init; }

    /// <summary>Remark.Servers[].IPAddress: the appliance's own address(es); two for an HA pair.</summary>
    public IReadOnlyList<string> OwnIps { get; init; } = [];

    /// <summary>Plan.ID: 1 standard, 2 high-spec.</summary>
    public int PlanId { get; init; } = 1;

    public int? NetworkMaskLen { get; init; }

    public string? DefaultRoute { get; init; }

    /// <summary>Settings.LoadBalancer: one entry per VIP and port.</summary>
    public IReadOnlyList<ObservedVip> Vips { get; init; } = [];

    /// <summary>Sent back on update for optimistic concurrency.</summary>
    public string? SettingsHash { get; init; }

    /// <summary>The distinct VIPs of the settings (unparsable entries skipped), ascending.</summary>
    public IReadOnlyList<Ipv4Address> VipAddresses() => Ipv4Address.ParseAll(Vips.Select(v => v?.VirtualIPAddress));

    /// <summary>The appliance's own addresses (unparsable entries skipped), ascending.</summary>
    public IReadOnlyList<Ipv4Address> OwnAddresses() => Ipv4Address.ParseAll(OwnIps);

    /// <summary>Every address the appliance occupies on its switch: own IPs and VIPs, ascending.</summary>
    public IReadOnlyList<Ipv4Address> Addresses() => Ipv4Address.ParseAll(OwnIps.Concat(Vips.Select(v => v?.VirtualIPAddress)));
}

public sealed record ObservedVip
{
    public string VirtualIPAddress { get; init; } = "";

    public string Port { get; init; } = "";

    public string? DelayLoop { get; init; }

    public string? SorryServer { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<ObservedRealServer> Servers { get; init; } = [];
}

public sealed record ObservedRealServer
{
    public string IPAddress { get; init; } = "";

    public string Port { get; init; } = "";

    /// <summary>"True"/"False" on the wire; missing means enabled.</summary>
    public string? Enabled { get; init; }

    public ObservedHealthCheck? HealthCheck { get; init; }
}

public sealed record ObservedHealthCheck
{
    public string? Protocol { get; init; }

    public string? Path { get; init; }

    public string? Status { get; init; }

    public string? Retry { get; init; }

    public string? ConnectTimeout { get; init; }
}

/// <summary>Appliance Availability.</summary>
public enum ApplianceAvailability
{
    Unknown,
    Available,
    Migrating,
    Failed,
    Uploading,
    Transferring,
    Discontinued,
}

/// <summary>Appliance Instance.Status.</summary>
public enum InstanceStatus
{
    Unknown,
    Up,
    Down,
    Cleaning,
}
