using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>Load-balancer plan: <c>Plan.ID</c> 1 or 2.</summary>
public enum LoadBalancerPlan
{
    /// <summary>Standard (about 100 Mbps).</summary>
    Standard = 1,

    /// <summary>High-spec (the original CCM's "premium").</summary>
    HighSpec = 2,
}

/// <summary>A new load balancer on a switch (single, or an HA pair when two addresses are given).</summary>
public sealed record LoadBalancerCreateRequest
{
    /// <summary>1-64 characters. Ours: <c>"a" + UID without dashes</c>, cut to 32.</summary>
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    /// <summary>Sent sorted and without duplicates, as the official clients do.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    public LoadBalancerPlan Plan { get; init; } = LoadBalancerPlan.Standard;

    /// <summary>The switch to join (for a router+switch, the router's switch ID, not the Internet ID).</summary>
    public required long SwitchId { get; init; }

    /// <summary>VRRP VRID, unique among the LBs on the switch.</summary>
    public required int Vrid { get; init; }

    public required int NetworkMaskLen { get; init; }

    public string? DefaultRoute { get; init; }

    /// <summary>The LB's own addresses: one for a single LB, two for an HA pair.</summary>
    public required IReadOnlyList<string> IPAddresses { get; init; }

    /// <summary>The VIP entries to create it with (may be empty).</summary>
    public IReadOnlyList<LoadBalancerVip> VirtualIPAddresses { get; init; } = [];
}

/// <summary>New settings for an existing load balancer (they take effect after apply-config).</summary>
public sealed record LoadBalancerSettingsUpdate
{
    /// <summary>The complete new VIP list; empty removes every VIP.</summary>
    public required IReadOnlyList<LoadBalancerVip> VirtualIPAddresses { get; init; }

    /// <summary>The <see cref="SakuraAppliance.SettingsHash"/> read before; sent for optimistic locking when set.</summary>
    public string? SettingsHash { get; init; }

    /// <summary>New tags, or null to leave them unchanged.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>New description, or null to leave it unchanged.</summary>
    public string? Description { get; init; }
}
