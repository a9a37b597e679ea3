using System.Net;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>What to look for when finding router+switches. Both parts are optional; both must hold.</summary>
/// <param name="Name">Exact name of the router (the Internet resource), or null for any.</param>
/// <param name="Tags">Tags the router must all carry (AND), or null/empty for any.</param>
public sealed record RouterQuery(string? Name = null, IReadOnlyCollection<string>? Tags = null);

/// <summary>
/// A router+switch as the controller needs it: the router (<c>Internet</c>), its switch read in full
/// (only the switch carries the assignable range), and the parsed primary address block.
/// </summary>
public sealed record RouterNetwork
{
    /// <summary>The switch of the router, as <c>GET /switch/{id}</c> returned it.</summary>
    public required SakuraSwitch Switch { get; init; }

    /// <summary>The router itself; null only if it could not be read (e.g. deleted meanwhile).</summary>
    public SakuraInternet? Internet { get; init; }

    /// <summary>
    /// The primary block (<c>Subnets</c> entry without a next hop) with its assignable range; null if the
    /// switch has no such block (a plain switch, or a block without <c>IPAddresses</c>).
    /// </summary>
    public RouterSubnet? PrimarySubnet { get; init; }

    /// <summary>The switch ID: what LBs are placed on (<c>Remark.Switch.ID</c>) and compared with.</summary>
    public long SwitchId => Switch.Id;

    /// <summary>The router (Internet) ID, if known.</summary>
    public long? InternetId => Internet?.Id ?? Switch.Internet?.Id;

    /// <summary>The router's name (falls back to the switch's).</summary>
    public string? Name => Internet?.Name ?? Switch.Name;

    /// <summary>The router's tags (falls back to the switch's).</summary>
    public IReadOnlyList<string> Tags => Internet?.Tags ?? Switch.Tags;

    /// <summary>Next-hop addresses of additional routed blocks: in use, never assignable.</summary>
    public IReadOnlyList<string> NextHops =>
        [.. Switch.Subnets.Select(s => s.NextHop).Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h!)];

    /// <summary>Builds the view from a switch read and, if any, its router.</summary>
    public static RouterNetwork From(SakuraSwitch sakuraSwitch, SakuraInternet? internet)
    {
        ArgumentNullException.ThrowIfNull(sakuraSwitch);
        var primary = sakuraSwitch.Subnets
            .Where(s => string.IsNullOrWhiteSpace(s.NextHop))
            .Select(RouterSubnet.TryCreate)
            .FirstOrDefault(s => s is not null);
        return new RouterNetwork { Switch = sakuraSwitch, Internet = internet, PrimarySubnet = primary };
    }
}

/// <summary>An IPv4 block of a router's switch with its user-assignable range (inclusive).</summary>
public sealed record RouterSubnet(
    IPAddress NetworkAddress,
    int NetworkMaskLen,
    IPAddress DefaultRoute,
    IPAddress AssignableMin,
    IPAddress AssignableMax)
{
    /// <summary>Parses a switch subnet; null when any needed part is missing or not an address.</summary>
    public static RouterSubnet? TryCreate(SwitchSubnet subnet)
    {
        ArgumentNullException.ThrowIfNull(subnet);
        return IPAddress.TryParse(subnet.NetworkAddress, out var network)
            && subnet.NetworkMaskLen is { } mask
            && IPAddress.TryParse(subnet.DefaultRoute, out var gateway)
            && IPAddress.TryParse(subnet.IPAddresses?.Min, out var min)
            && IPAddress.TryParse(subnet.IPAddresses?.Max, out var max)
            ? new RouterSubnet(network, mask, gateway, min, max)
            : null;
    }
}
