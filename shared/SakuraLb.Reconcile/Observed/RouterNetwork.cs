using SakuraLb.Reconcile.Addressing;

namespace SakuraLb.Reconcile.Observed;

/// <summary>
/// A router+switch (Sakura "Internet" resource plus its switch) as the decisions need it: the switch the
/// load balancer joins and the primary global block. Additional routed subnets are not used: an LB's own
/// addresses and its VIP must lie in the network its NIC is configured for (the primary block).
/// </summary>
public sealed record RouterNetwork
{
    /// <summary>ID of the Internet (router) resource.</summary>
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>ID of the router's switch (the LB's Remark.Switch.ID).</summary>
    public long SwitchId { get; init; }

    /// <summary>The primary block, e.g. 203.0.113.96/28.</summary>
    public required Ipv4Block Block { get; init; }

    /// <summary>The block's gateway (Subnets[0].DefaultRoute).</summary>
    public required Ipv4Address DefaultRoute { get; init; }

    /// <summary>The user-assignable range (Switch.Subnets[0].IPAddresses.Min..Max).</summary>
    public required Ipv4Range AssignableRange { get; init; }

    /// <summary>
    /// The next hops of the switch's additional routed blocks: addresses of the primary block that are in use
    /// (they route traffic on), though no server or appliance reports them.
    /// </summary>
    public IReadOnlyList<Ipv4Address> NextHops { get; init; } = [];

    /// <summary>
    /// Addresses no customer resource may take: network, gateway (+1), the two router addresses (+2, +3),
    /// broadcast, and the configured default route. The API's assignable range already leaves them out;
    /// they are excluded again so a wrong range can never hand them out.
    /// </summary>
    public IReadOnlySet<Ipv4Address> ReservedAddresses => new HashSet<Ipv4Address>
    {
        Block.Network,
        Block.Network.Add(1),
        Block.Network.Add(2),
        Block.Network.Add(3),
        Block.Broadcast,
        DefaultRoute,
    };

    /// <summary>Addresses a load balancer may use: the assignable range inside the block, minus the reserved ones.</summary>
    public IEnumerable<Ipv4Address> CandidateAddresses()
    {
        return AssignableRange.Addresses().Where(a => Block.Contains(a) && !IsReserved(a));
    }

    public bool IsCandidate(Ipv4Address address) =>
        AssignableRange.Contains(address) && Block.Contains(address) && !IsReserved(address);

    /// <summary><see cref="ReservedAddresses"/> without allocating (called for every address of a range).</summary>
    public bool IsReserved(Ipv4Address address)
    {
        var offset = (long)address.Value - Block.Network.Value;
        return offset is >= 0 and <= 3 || address == Block.Broadcast || address == DefaultRoute;
    }

    public override string ToString() => $"{Name} ({Id}, {Block})";
}
