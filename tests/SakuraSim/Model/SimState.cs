using System.Globalization;

namespace SakuraSim.Model;

/// <summary>
/// Every simulated resource of every zone. Not thread-safe on its own: <see cref="Simulator"/> guards it
/// with one lock, which is plenty for a test double and keeps every request atomic.
/// </summary>
internal sealed class SimState
{
    private long nextSequence = 1;
    private long nextSubnetId = 3981;
    private long nextMac = 1;
    private int nextHost = 101;

    public Dictionary<long, RouterRecord> Routers { get; } = [];

    public Dictionary<long, SwitchRecord> Switches { get; } = [];

    public Dictionary<long, ServerRecord> Servers { get; } = [];

    public Dictionary<long, ApplianceRecord> Appliances { get; } = [];

    /// <summary>The shared segment of each zone that has one (made when a server first joins it).</summary>
    public Dictionary<string, SharedSegmentRecord> SharedSegments { get; } = new(StringComparer.Ordinal);

    /// <summary>Health checks a test made fail, and connection numbers it set (<c>/_sim/health</c>).</summary>
    public Dictionary<HealthKey, RealServerHealth> Health { get; } = [];

    /// <summary>
    /// A 12-digit ID. The first four digits follow the real API's habit of one prefix per resource
    /// kind (1128 router/switch, 1131 server, 1132 appliance); one shared sequence keeps them unique.
    /// </summary>
    public long NextId(IdKind kind) => ((long)kind * 100_000_000L) + nextSequence++;

    public long NextSubnetId() => nextSubnetId++;

    public string NextMacAddress()
    {
        var n = nextMac++;
        return string.Create(CultureInfo.InvariantCulture, $"9C:A3:BA:{(n >> 16) & 255:X2}:{(n >> 8) & 255:X2}:{n & 255:X2}");
    }

    public string NextHostName(string zone) => string.Create(CultureInfo.InvariantCulture, $"sac-{zone}-sv{nextHost++:D3}");

    public IEnumerable<RouterRecord> RoutersIn(string zone) => Routers.Values.Where(r => r.Zone == zone).OrderBy(r => r.Id);

    public IEnumerable<SwitchRecord> SwitchesIn(string zone) => Switches.Values.Where(s => s.Zone == zone).OrderBy(s => s.Id);

    public IEnumerable<ServerRecord> ServersIn(string zone) => Servers.Values.Where(s => s.Zone == zone).OrderBy(s => s.Id);

    public IEnumerable<ApplianceRecord> AppliancesIn(string zone) => Appliances.Values.Where(a => a.Zone == zone).OrderBy(a => a.Id);

    public RouterRecord? RouterOfSwitch(SwitchRecord sw) =>
        sw.RouterId is { } id && Routers.TryGetValue(id, out var router) ? router : null;

    public SwitchRecord? FindSwitch(string zone, long id) =>
        Switches.TryGetValue(id, out var sw) && sw.Zone == zone ? sw : null;

    public SharedSegmentRecord? FindSharedSegment(string zone, long id) =>
        SharedSegments.TryGetValue(zone, out var shared) && shared.Id == id ? shared : null;

    /// <summary>The zone's shared segment, made on first use with a fixed block per zone (100.127.n.0/24).</summary>
    public SharedSegmentRecord SharedSegmentOf(string zone)
    {
        if (!SharedSegments.TryGetValue(zone, out var shared))
        {
            var index = Zones.Ordinal(zone);
            var block = new Ipv4Block(Ipv4.Parse("100.127.0.0").Add(index * 256L), 24);
            shared = new SharedSegmentRecord(NextId(IdKind.Network), zone, block);
            SharedSegments[zone] = shared;
        }

        return shared;
    }

    /// <summary>Every global block in use, in any zone (global addresses are unique world-wide).</summary>
    public IEnumerable<Ipv4Block> AllocatedBlocks =>
        Routers.Values.Select(r => r.Subnet.Block).Concat(SharedSegments.Values.Select(s => s.Block));
}

internal enum IdKind : long
{
    Network = 1128,
    Server = 1131,
    Appliance = 1132,
}
