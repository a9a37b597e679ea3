using SakuraSim.Model;
using SakuraSim.Validation;
using SakuraSim.Wire;

namespace SakuraSim.Control;

/// <summary>Building blocks for routers, switches and servers, shared by the default topology and /_sim seeding.</summary>
/// <summary>One NIC to seed: on a switch (or on nothing), with the address the user registered, or on the shared segment.</summary>
internal sealed record NicSpec(long? SwitchId, Ipv4? Address, bool SharedSegment = false);

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

    /// <summary>The documented default: is1a, router+switch "k8s-router" 203.0.113.96/28 with <paramref name="routerTags"/>, worker01..03 at .100-.102.</summary>
    public static void SeedDefault(SimState state, DateTimeOffset now, IReadOnlyList<string> routerTags)
    {
        var router = AddRouter(state, DefaultZone, "k8s-router", "", routerTags, 28, 100, Ipv4.Parse("203.0.113.96"), now);
        for (var i = 1; i <= 3; i++)
        {
            var name = $"worker0{i}";
            AddServer(state, DefaultZone, name, name, "", [], [new NicSpec(router.SwitchId, Ipv4.Parse("203.0.113.100").Add(i - 1))], isUp: true, now);
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
        IReadOnlyList<NicSpec> nics,
        bool isUp,
        DateTimeOffset now,
        ServerPlan? plan = null,
        string availability = "available")
    {
        var interfaces = new List<NicRecord>();
        foreach (var spec in nics)
        {
            interfaces.Add(NewNic(state, zone, interfaces, spec));
        }

        // The server's ID comes before its NICs' (the default topology's IDs are documented).
        var id = state.NextId(IdKind.Server);
        interfaces = interfaces.Select(n => n with { Id = state.NextId(IdKind.Server) }).ToList();
        var server = new ServerRecord(id, zone, name, hostName, description, tags, interfaces, isUp, now, now)
        {
            Plan = plan ?? ServerPlan.Default,
            Availability = availability,
        };
        state.Servers[id] = server;
        return server;
    }

    /// <summary>Connects one more NIC to an existing server (e.g. a second NIC on a private switch).</summary>
    public static ServerRecord AddNic(SimState state, ServerRecord server, NicSpec spec)
    {
        var nic = NewNic(state, server.Zone, server.Interfaces, spec) with { Id = state.NextId(IdKind.Server) };
        var changed = server with { Interfaces = [.. server.Interfaces, nic] };
        state.Servers[server.Id] = changed;
        return changed;
    }

    private static NicRecord NewNic(SimState state, string zone, IReadOnlyList<NicRecord> existing, NicSpec spec)
    {
        if (spec.SharedSegment)
        {
            var shared = state.SharedSegmentOf(zone);
            // The server's own NICs made so far are not in the state yet.
            var pending = existing.Where(n => n.SwitchId == shared.Id && n.IpAddress is not null).Select(n => n.IpAddress!.Value).ToList();
            var address = spec.Address is { } wanted
                ? RequireSharedAddress(state, shared, wanted, pending)
                : NextSharedAddress(state, shared, pending);
            return new NicRecord(0, state.NextMacAddress(), shared.Id, null, address);
        }

        if (spec.SwitchId is { } sid)
        {
            var sw = state.FindSwitch(zone, sid) ?? throw SakuraApiException.NotFound($"Switch {sid} was not found in zone {zone}");
            // A server may have only one NIC on a router+switch.
            if (sw.RouterId is not null && existing.Any(n => n.SwitchId == sid))
            {
                throw SakuraApiException.BadRequest($"A server can have only one interface on the router+switch {sid}");
            }
        }

        return new NicRecord(0, state.NextMacAddress(), spec.SwitchId, spec.Address);
    }

    private static IEnumerable<Ipv4> SharedAddressesInUse(SimState state, SharedSegmentRecord shared) =>
        state.Servers.Values.SelectMany(s => s.Interfaces).Where(n => n.SwitchId == shared.Id && n.IpAddress is not null).Select(n => n.IpAddress!.Value)
            .Concat(state.Appliances.Values.Where(a => a.IsConnectedTo(shared.Id)).SelectMany(a => AddressRules.AddressesOn(a, shared.Id)));

    private static Ipv4 RequireSharedAddress(SimState state, SharedSegmentRecord shared, Ipv4 address, IEnumerable<Ipv4> pending)
    {
        if (!shared.IsAssignable(address))
        {
            throw SakuraApiException.BadRequest($"{address} is not an assignable address of the shared segment {shared.Block} (from {shared.Block.Network.Add(4)})");
        }

        return SharedAddressesInUse(state, shared).Concat(pending).Contains(address)
            ? throw SakuraApiException.BadRequest($"{address} of the shared segment is already assigned")
            : address;
    }

    public static Ipv4 NextSharedAddress(SimState state, SharedSegmentRecord shared, IEnumerable<Ipv4>? pending = null)
    {
        var used = SharedAddressesInUse(state, shared).Concat(pending ?? []).ToHashSet();
        for (var a = shared.Block.Network.Add(4); shared.IsAssignable(a); a = a.Add(1))
        {
            if (!used.Contains(a))
            {
                return a;
            }
        }

        throw SakuraApiException.BadRequest($"The shared segment {shared.Block} has no free address left");
    }
}
