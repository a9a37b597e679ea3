using SakuraSim.Model;
using SakuraSim.Wire;

namespace SakuraSim.Control;

/// <summary>Building blocks for routers, switches and servers, shared by the default topology and /_sim seeding.</summary>
internal static class Topology
{
    public const string DefaultZone = "is1a";

    /// <summary>
    /// Documentation ranges first (RFC 5737), then shared address space (RFC 6598): never routable, so
    /// nothing the simulator hands out can be mistaken for a real address.
    /// </summary>
    private static readonly Ipv4Block[] Pool =
    [
        new(Ipv4.Parse("203.0.113.0"), 24),
        new(Ipv4.Parse("198.51.100.0"), 24),
        new(Ipv4.Parse("192.0.2.0"), 24),
        new(Ipv4.Parse("100.64.0.0"), 10),
    ];

    /// <summary>The documented default: is1a, router+switch "k8s-router" 203.0.113.96/28, worker01..03 at .100-.102.</summary>
    public static void SeedDefault(SimState state, DateTimeOffset now)
    {
        var router = AddRouter(state, DefaultZone, "k8s-router", "", ["@k8s"], 28, 100, Ipv4.Parse("203.0.113.96"), now);
        for (var i = 1; i <= 3; i++)
        {
            var name = $"worker0{i}";
            AddServer(state, DefaultZone, name, name, "", [], [(router.SwitchId, Ipv4.Parse("203.0.113.100").Add(i - 1))], isUp: true, now);
        }
    }

    public static RouterRecord AddRouter(
        SimState state,
        string zone,
        string name,
        string description,
        IReadOnlyList<string> tags,
        int maskLength,
        int bandWidthMbps,
        Ipv4? network,
        DateTimeOffset now)
    {
        if (maskLength is < 24 or > 29)
        {
            throw SakuraApiException.BadRequest($"networkMaskLen must be between 24 and 29 (was {maskLength})");
        }

        var block = network is { } requested
            ? RequireFree(state, new Ipv4Block(requested, maskLength))
            : NextFreeBlock(state, maskLength)
              ?? throw SakuraApiException.BadRequest($"No free /{maskLength} block is left in the simulator's address pool");

        var routerId = state.NextId(IdKind.Network);
        var switchId = state.NextId(IdKind.Network);
        var router = new RouterRecord(routerId, zone, name, description, tags, bandWidthMbps, switchId,
            new RouterSubnet(state.NextSubnetId(), block), now);
        state.Routers[routerId] = router;
        state.Switches[switchId] = new SwitchRecord(switchId, zone, name, description, [], routerId, null, now);
        return router;
    }

    private static Ipv4Block RequireFree(SimState state, Ipv4Block block)
    {
        if (Ipv4Block.Containing(block.Network, block.MaskLength) != block)
        {
            throw SakuraApiException.BadRequest($"{block.Network} is not the first address of a /{block.MaskLength} block");
        }

        if (state.AllocatedBlocks.Any(b => b.Overlaps(block)))
        {
            throw SakuraApiException.BadRequest($"The block {block} overlaps a block already in use");
        }

        return block;
    }

    private static Ipv4Block? NextFreeBlock(SimState state, int maskLength)
    {
        var taken = state.AllocatedBlocks.ToList();
        foreach (var range in Pool)
        {
            var size = 1L << (32 - maskLength);
            for (var start = range.Network.Value; start + size - 1 <= range.Broadcast.Value; start += (uint)size)
            {
                var candidate = new Ipv4Block(new Ipv4(start), maskLength);
                if (!taken.Any(b => b.Overlaps(candidate)))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static SwitchRecord AddSwitch(SimState state, string zone, string name, string description, IReadOnlyList<string> tags, UserSubnet? userSubnet, DateTimeOffset now)
    {
        var id = state.NextId(IdKind.Network);
        var sw = new SwitchRecord(id, zone, name, description, tags, null, userSubnet, now);
        state.Switches[id] = sw;
        return sw;
    }

    public static ServerRecord AddServer(
        SimState state,
        string zone,
        string name,
        string hostName,
        string description,
        IReadOnlyList<string> tags,
        IReadOnlyList<(long? SwitchId, Ipv4? Address)> nics,
        bool isUp,
        DateTimeOffset now)
    {
        var routerSwitches = new HashSet<long>();
        foreach (var (switchId, _) in nics)
        {
            if (switchId is not { } sid)
            {
                continue;
            }

            var sw = state.FindSwitch(zone, sid) ?? throw SakuraApiException.NotFound($"Switch {sid} was not found in zone {zone}");
            // A server may have only one NIC on a router+switch.
            if (sw.RouterId is not null && !routerSwitches.Add(sid))
            {
                throw SakuraApiException.BadRequest($"A server can have only one interface on the router+switch {sid}");
            }
        }

        var id = state.NextId(IdKind.Server);
        var interfaces = nics
            .Select(n => new NicRecord(state.NextId(IdKind.Server), state.NextMacAddress(), n.SwitchId, n.Address))
            .ToList();
        var server = new ServerRecord(id, zone, name, hostName, description, tags, interfaces, isUp, now, now);
        state.Servers[id] = server;
        return server;
    }
}
