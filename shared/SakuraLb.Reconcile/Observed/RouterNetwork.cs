using System.Text.Json.Serialization;

namespace SakuraLb.Reconcile.Observed;

/// <summary>
/// A router+switch (Sakura "Internet" resource plus its switch) as the decisions need it: the switch the
/// load balancer joins and the primary global block. Additional routed subnets are not used: an LB's own
/// addresses and its VIP must lie in the network its NIC is configured for (the primary block).
/// </summary>
public sealed record RouterNetwork : LoadBalancerNetwork
{
    /// <summary>ID of the Internet (router) resource.</summary>
    public long Id { get; init; }

    /// <summary>The block's gateway (Subnets[0].DefaultRoute).</summary>
    public required Ipv4Address DefaultRoute { get; init; }

    /// <summary>
    /// The next hops of the switch's additional routed blocks: addresses of the primary block that are in use
    /// (they route traffic on), though no server or appliance reports them.
    /// </summary>
    public IReadOnlyList<Ipv4Address> NextHops { get; init; } = [];

    [JsonIgnore]
    public override Ipv4Address? Gateway => DefaultRoute;

    /// <summary>
    /// Addresses no customer resource may take: network, gateway (+1), the two router addresses (+2, +3),
    /// broadcast, and the configured default route. The API's assignable range already leaves them out;
    /// they are excluded again so a wrong range can never hand them out.
    /// </summary>
    [JsonIgnore]
    public override IReadOnlySet<Ipv4Address> ReservedAddresses => new HashSet<Ipv4Address>
    {
        Block.Network,
        Block.Network.Add(1),
        Block.Network.Add(2),
        Block.Network.Add(3),
        Block.Broadcast,
        DefaultRoute,
    };

    [JsonIgnore]
    public override string Label => $"router {Name}";

    [JsonIgnore]
    public override string SwitchLabel => $"the switch of router {Name}";

    [JsonIgnore]
    public override string AssignableText => $"{AssignableRange} other than the gateway and router addresses";

    public override bool IsReserved(Ipv4Address address)
    {
        var offset = (long)address.Value - Block.Network.Value;
        return offset is >= 0 and <= 3 || address == Block.Broadcast || address == DefaultRoute;
    }

    public override string ToString() => $"{Name} ({Id}, {Block})";
}
