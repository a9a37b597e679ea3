using System.Text.Json.Serialization;

namespace SakuraLb.Reconcile.Observed;

/// <summary>
/// The network a load balancer sits on, whichever kind it is: the switch its NIC joins, the network its own
/// addresses and VIP are configured for (the mask), the gateway it routes through, and the addresses it may
/// take. Address choice, VRIDs, reservations and real-server selection work on this alone, so an internet load
/// balancer (<see cref="RouterNetwork"/>: a router's primary block) and a private one (<see cref="SwitchNetwork"/>:
/// a plain switch and the Service's ranges) follow the same rules.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(RouterNetwork), "router")]
[JsonDerivedType(typeof(SwitchNetwork), "switch")]
public abstract record LoadBalancerNetwork
{
    /// <summary>ID of the switch the load balancer joins (its Remark.Switch.ID).</summary>
    public long SwitchId { get; init; }

    /// <summary>The router's or the switch's name, for messages.</summary>
    public string Name { get; init; } = "";

    /// <summary>The tags the router or switch carries (the Service's selector picks by them).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The network the appliance's NIC is configured for: its mask, and where its addresses must lie.</summary>
    public required Ipv4Block Block { get; init; }

    /// <summary>The range the load balancer's own addresses and VIP are taken from.</summary>
    public required Ipv4Range AssignableRange { get; init; }

    /// <summary>The appliance's default route (Remark.Network.DefaultRoute), if it has one.</summary>
    [JsonIgnore]
    public abstract Ipv4Address? Gateway { get; }

    /// <summary>Addresses of the network no load balancer may take (network, broadcast, gateway, ...).</summary>
    [JsonIgnore]
    public abstract IReadOnlySet<Ipv4Address> ReservedAddresses { get; }

    /// <summary>"router NAME" or "switch NAME": where the addresses come from.</summary>
    [JsonIgnore]
    public abstract string Label { get; }

    /// <summary>"the switch of router NAME" or "switch NAME": where the appliance and its real servers are.</summary>
    [JsonIgnore]
    public abstract string SwitchLabel { get; }

    /// <summary>The addresses a requested VIP may be, in words ("203.0.113.100–203.0.113.110 other than ...").</summary>
    [JsonIgnore]
    public abstract string AssignableText { get; }

    /// <summary>One of <see cref="ReservedAddresses"/>, without allocating (called for every address of a range).</summary>
    public virtual bool IsReserved(Ipv4Address address) => ReservedAddresses.Contains(address);

    /// <summary>Addresses a load balancer may use, ascending: the assignable range inside the block, minus the reserved ones. Lazy.</summary>
    public IEnumerable<Ipv4Address> CandidateAddresses() =>
        AssignableRange.Addresses().Where(a => Block.Contains(a) && !IsReserved(a));

    public bool IsCandidate(Ipv4Address address) =>
        AssignableRange.Contains(address) && Block.Contains(address) && !IsReserved(address);

    /// <summary>How many candidate addresses there are, counted without walking the range (a pool can be a /8).</summary>
    public long CandidateCount()
    {
        var first = AssignableRange.First > Block.Network ? AssignableRange.First : Block.Network;
        var last = AssignableRange.Last < Block.Broadcast ? AssignableRange.Last : Block.Broadcast;
        if (last < first)
        {
            return 0;
        }

        var inside = new Ipv4Range(first, last);
        return inside.Count - ReservedAddresses.Count(inside.Contains);
    }
}
