using System.Text.Json.Nodes;
using SakuraSim.Lifecycle;

namespace SakuraSim.Model;

/// <summary>The primary global block of a router+switch with its reserved addresses.</summary>
internal sealed record RouterSubnet(long Id, Ipv4Block Block)
{
    /// <summary>Network + 1 is the default gateway.</summary>
    public Ipv4 DefaultRoute => Block.Network.Add(1);

    /// <summary>The first four (network, gateway, two routers) and the last (broadcast) are not assignable.</summary>
    public Ipv4 AssignableMin => Block.Network.Add(4);

    public Ipv4 AssignableMax => Block.Broadcast.Add(-1);

    public bool IsAssignable(Ipv4 address) => address >= AssignableMin && address <= AssignableMax;

    /// <summary>Why an address of this block cannot be used, or null when it can.</summary>
    public string? ReservedRole(Ipv4 address)
    {
        if (!Block.Contains(address))
        {
            return null;
        }

        var offset = address.Value - Block.Network.Value;
        return offset switch
        {
            0 => "network address",
            1 => "default gateway",
            2 => "router (primary)",
            3 => "router (secondary)",
            _ when address == Block.Broadcast => "broadcast address",
            _ => null,
        };
    }
}

internal sealed record RouterRecord(
    long Id,
    string Zone,
    string Name,
    string Description,
    IReadOnlyList<string> Tags,
    int BandWidthMbps,
    long SwitchId,
    RouterSubnet Subnet,
    DateTimeOffset CreatedAt);

internal sealed record UserSubnet(Ipv4 DefaultRoute, int NetworkMaskLen);

internal sealed record SwitchRecord(
    long Id,
    string Zone,
    string Name,
    string Description,
    IReadOnlyList<string> Tags,
    long? RouterId,
    UserSubnet? UserSubnet,
    DateTimeOffset CreatedAt);

internal sealed record NicRecord(long Id, string MacAddress, long? SwitchId, Ipv4? UserIpAddress);

internal sealed record ServerRecord(
    long Id,
    string Zone,
    string Name,
    string HostName,
    string Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<NicRecord> Interfaces,
    bool IsUp,
    DateTimeOffset CreatedAt,
    DateTimeOffset StatusChangedAt);

/// <summary>
/// An appliance. Load balancers are fully modelled; other classes (vpcrouter, database) exist only
/// when a test seeds them and are served from <see cref="RawBody"/>.
/// </summary>
internal sealed record ApplianceRecord(
    long Id,
    string Zone,
    string Class,
    string Name,
    string Description,
    IReadOnlyList<string> Tags,
    JsonNode? Icon,
    int PlanId,
    long SwitchId,
    int Vrid,
    int NetworkMaskLen,
    Ipv4? DefaultRoute,
    IReadOnlyList<Ipv4> IpAddresses,
    LbSettings StoredSettings,
    LbSettings? AppliedSettings,
    DateTimeOffset CreatedAt,
    DateTimeOffset NotFoundUntil,
    ApplianceLifecycle Lifecycle,
    string HostName,
    JsonObject? RawBody)
{
    public bool IsLoadBalancer => RawBody is null;
}
