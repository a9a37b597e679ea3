using System.Text.Json.Serialization;

namespace SakuraLb.Reconcile.Observed;

/// <summary>
/// A private load balancer's network: a plain switch (no router) with the addressing the Service gives it
/// (load-balancer-ip-range for the mask, load-balancer-assign-ip-range for the pool, and the optional
/// load-balancer-assign-default-gateway). A plain switch has no block of its own the API knows of, so the
/// Service's ranges are the only source; built by <c>SwitchRanges.On</c>.
/// </summary>
public sealed record SwitchNetwork : LoadBalancerNetwork
{
    /// <summary>load-balancer-assign-ip-range as given; <see cref="LoadBalancerNetwork.AssignableRange"/> is its addresses without the first and last.</summary>
    public required Ipv4Block Pool { get; init; }

    /// <summary>load-balancer-assign-default-gateway, if given.</summary>
    public Ipv4Address? DefaultRoute { get; init; }

    [JsonIgnore]
    public override Ipv4Address? Gateway => DefaultRoute;

    /// <summary>The network's network and broadcast addresses and the gateway.</summary>
    [JsonIgnore]
    public override IReadOnlySet<Ipv4Address> ReservedAddresses =>
        DefaultRoute is { } gateway ? new HashSet<Ipv4Address> { Block.Network, Block.Broadcast, gateway } : new HashSet<Ipv4Address> { Block.Network, Block.Broadcast };

    [JsonIgnore]
    public override string Label => $"switch {Name}";

    [JsonIgnore]
    public override string SwitchLabel => $"switch {Name}";

    [JsonIgnore]
    public override string AssignableText =>
        $"{AssignableRange} (load-balancer-assign-ip-range {Pool} without its first and last address){(DefaultRoute is { } gateway ? $" other than the gateway {gateway}" : "")}";

    public override bool IsReserved(Ipv4Address address) =>
        address == Block.Network || address == Block.Broadcast || address == DefaultRoute;

    public override string ToString() => $"{Name} ({SwitchId}, {Block}, pool {Pool})";
}

/// <summary>A plain user switch (no router, not the shared segment) as read from the API.</summary>
public sealed record PlainSwitch(long Id, string Name, IReadOnlyList<string> Tags);
