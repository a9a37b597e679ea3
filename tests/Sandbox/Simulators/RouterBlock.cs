using System.Globalization;
using SakuraLb.Reconcile.Addressing;

namespace Sandbox.Simulators;

/// <summary>
/// The global block of the sandbox's router+switch and where the workers sit in it: the /<c>prefix</c> block that
/// holds 203.0.113.96 (so the default /28 is the simulator's documented 203.0.113.96/28, workers at .100 on), the
/// workers on its first assignable addresses, the load balancers on what is left.
/// </summary>
public sealed record RouterBlock
{
    /// <summary>The simulator's router blocks go from /24 to /29 (Sakura Cloud's API orders /26, /27 and /28).</summary>
    public const int MinPrefix = 24;

    public const int MaxPrefix = 29;

    /// <summary>Addresses of every block no customer resource takes: network, gateway, the two routers', broadcast.</summary>
    public const int ReservedCount = 5;

    /// <summary>What one single load balancer takes from the block: its own address and the VIP (an HA pair takes 3).</summary>
    public const int AddressesPerLoadBalancer = 2;

    private static readonly Ipv4Address Anchor = Ipv4Address.Parse("203.0.113.96");

    public RouterBlock(int prefix)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefix, MinPrefix);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefix, MaxPrefix);
        Block = new Ipv4Block(Anchor, prefix);
    }

    public Ipv4Block Block { get; }

    public int Prefix => Block.PrefixLength;

    /// <summary>The addresses a server or an appliance may take: from network + 4 to broadcast − 1.</summary>
    public int AssignableCount => (int)Block.Range.Count - ReservedCount;

    /// <summary>The most workers the block holds with room left for one load balancer.</summary>
    public int MaxWorkers => AssignableCount - AddressesPerLoadBalancer;

    /// <summary>The <paramref name="index"/>th worker's address (0-based): the first assignable addresses, in order.</summary>
    public string WorkerAddress(int index) => Block.Network.Add(4 + index).ToString();

    /// <summary>The addresses left for load balancers once <paramref name="workers"/> workers have theirs.</summary>
    public int FreeCount(int workers) => AssignableCount - workers;

    /// <summary>How many single load balancers fit next to <paramref name="workers"/> workers.</summary>
    public int LoadBalancerCapacity(int workers) => FreeCount(workers) / AddressesPerLoadBalancer;

    /// <summary>One line for the banner: the block, what it holds and how many load balancers still fit.</summary>
    public string Describe(int workers) => string.Create(
        CultureInfo.InvariantCulture,
        $"router block {Block} (--router-prefix {Prefix}): {AssignableCount} assignable addresses, {workers} taken by the workers (--workers {workers}), " +
        $"{FreeCount(workers)} free for load balancers: room for {LoadBalancerCapacity(workers)} (each takes its own address and a VIP; an HA pair 3)");
}
