namespace SakuraLb.Reconcile.Desired;

/// <summary>The two kinds of load balancer (load-balancer-type).</summary>
public enum LoadBalancerType
{
    /// <summary>On the switch of a router+switch, with a global VIP from the router's block.</summary>
    Internet,

    /// <summary>On a plain switch, with a private VIP from the Service's pool.</summary>
    Switch,
}

/// <summary>
/// Where a Service asks its load balancer to be: the kind, the tags the router or plain switch must all carry
/// (the controller's own plus the Service's selector), and for a switch the Service's addressing.
/// </summary>
public sealed record NetworkRequest(LoadBalancerType Type, IReadOnlyList<string> Tags, SwitchRanges? Ranges = null);

/// <summary>
/// A switch-type load balancer's addressing, from the Service: the switch's network (load-balancer-ip-range,
/// which gives the appliance's mask), the pool its own addresses and VIP come from
/// (load-balancer-assign-ip-range, inside the network) and its optional default gateway.
/// </summary>
public sealed record SwitchRanges(Ipv4Block Network, Ipv4Block Pool, Ipv4Address? Gateway)
{
    /// <summary>
    /// The pool's addresses a load balancer may take: the CIDR without its first and last address (as the
    /// original controller started at the pool's second address), or all of a /31 or /32.
    /// </summary>
    public Ipv4Range PoolRange => HostRange(Pool);

    /// <summary>A CIDR's addresses without its first and last, or all of a /31 or /32.</summary>
    public static Ipv4Range HostRange(Ipv4Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.PrefixLength <= 30 ? new Ipv4Range(block.Network.Add(1), block.Broadcast.Add(-1)) : block.Range;
    }

    /// <summary>The network these ranges make on <paramref name="plainSwitch"/>.</summary>
    public SwitchNetwork On(PlainSwitch plainSwitch)
    {
        ArgumentNullException.ThrowIfNull(plainSwitch);
        return new SwitchNetwork
        {
            SwitchId = plainSwitch.Id,
            Name = plainSwitch.Name,
            Tags = plainSwitch.Tags,
            Block = Network,
            Pool = Pool,
            AssignableRange = PoolRange,
            DefaultRoute = Gateway,
        };
    }
}
