using System.Globalization;
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

/// <summary>
/// The zone's shared segment (共有セグメント): a switch run by Sakura with Scope "shared". The API assigns
/// server NICs on it an address of its block (their <c>IPAddress</c>); it is not a user resource, so it is
/// never listed by <c>GET /switch</c>.
/// </summary>
internal sealed record SharedSegmentRecord(long Id, string Zone, Ipv4Block Block)
{
    public const string Name = "スイッチ";

    public Ipv4 DefaultRoute => Block.Network.Add(1);

    /// <summary>Network, gateway and two routers at the start, broadcast at the end, as in a router block.</summary>
    public bool IsAssignable(Ipv4 address) => address >= Block.Network.Add(4) && address < Block.Broadcast;
}

/// <summary>
/// A server NIC. <see cref="IpAddress"/> is the address the API assigned on the shared segment;
/// <see cref="UserIpAddress"/> is what the user registered on a user switch (the API does not enforce it).
/// A null <see cref="SwitchId"/> is a NIC connected to nothing.
/// </summary>
internal sealed record NicRecord(long Id, string MacAddress, long? SwitchId, Ipv4? UserIpAddress, Ipv4? IpAddress = null)
{
    /// <summary>The address other hosts on the NIC's segment reach it at.</summary>
    public Ipv4? Address => IpAddress ?? UserIpAddress;
}

/// <summary>A server plan as servers carry it (<c>ServerPlan</c>); names are the API's Japanese ones.</summary>
internal sealed record ServerPlan(int Cpu, int MemoryMb, int Generation, string Commitment)
{
    public static ServerPlan Default { get; } = new(2, 4096, 200, "standard");

    public int MemoryGb => MemoryMb / 1024;

    /// <summary>
    /// Generation, memory and cores in one number: 100001001 is the 1 core 1 GB plan of generation 100,
    /// the one ID the official clients' tests name. Which of the last two groups is the memory is a guess.
    /// </summary>
    public long Id => (Generation * 1_000_000L) + (MemoryGb * 1_000L) + Cpu;

    public string Name => string.Create(CultureInfo.InvariantCulture, $"プラン/{Cpu}Core-{MemoryGb}GB");

    public string ServiceClass => Commitment == "standard"
        ? string.Create(CultureInfo.InvariantCulture, $"cloud/plan/{Cpu}core-{MemoryGb}gb")
        : string.Create(CultureInfo.InvariantCulture, $"cloud/plan/{Commitment}/{Cpu}core-{MemoryGb}gb");
}

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
    DateTimeOffset StatusChangedAt)
{
    public ServerPlan Plan { get; init; } = ServerPlan.Default;

    public string Availability { get; init; } = "available";
}

/// <summary>
/// What a test made of one real server's health check: failing or not, and the connection numbers
/// <c>/status</c> reports. Keyed by zone, address and port (null = every port of the address).
/// </summary>
internal sealed record RealServerHealth(bool Failing, int ActiveConn, int Cps);

internal readonly record struct HealthKey(string Zone, Ipv4 Address, int? Port);

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

    /// <summary>Switches other than <see cref="SwitchId"/> a seeded appliance has a NIC on (a VPC router's private side).</summary>
    public IReadOnlyList<long> OtherSwitchIds { get; init; } = [];

    public bool IsConnectedTo(long switchId) => (SwitchId != 0 && SwitchId == switchId) || OtherSwitchIds.Contains(switchId);

    /// <summary>
    /// The appliance at <paramref name="now"/>. A boot that completes on the way loads the stored settings
    /// into the running appliance: the real API applies the settings given at create without a
    /// <c>PUT /config</c> (the official builder never sends one after a create), so a boot reads them.
    /// </summary>
    public ApplianceRecord At(DateTimeOffset now, bool observe)
    {
        var next = observe ? Lifecycle.Observe(now) : Lifecycle.At(now);
        var booted = Lifecycle.Phase is AppliancePhase.Migrating or AppliancePhase.Booting && next.Phase == AppliancePhase.Up;
        return this with { Lifecycle = next, AppliedSettings = booted ? StoredSettings : AppliedSettings };
    }
}
