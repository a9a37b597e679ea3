using System.Globalization;

namespace SakuraLb.Reconcile.Health;

/// <summary>What a health read is judged with besides the read itself.</summary>
/// <param name="NodeByAddress">The Node name of each address a Node reports (real servers are node addresses).</param>
/// <param name="Disabled">The (address, port) pairs the load balancer's settings disable (a drain): not counted, no events.</param>
public sealed record HealthContext(IReadOnlyDictionary<string, string> NodeByAddress, IReadOnlySet<(string Address, int Port)> Disabled)
{
    public static readonly HealthContext Empty = new(new Dictionary<string, string>(), new HashSet<(string, int)>());
}

/// <summary>
/// The previous health of a Service's real servers and a new read of its load balancer's status → the new
/// health, with Events for what changed (only on transitions) and the BackendsHealthy condition. Pure.
/// </summary>
/// <remarks>
/// A real server first read DOWN is a transition (a new node that fails its check is news); one first read
/// UP is not (no event for every server of a new load balancer). Ports of one address that change together
/// are one Event. A disabled real server is reported by the appliance as DOWN whatever its check says, so it
/// is kept out of the counts and of the events.
/// </remarks>
public static class BackendHealthTransitions
{
    public const string ConditionType = "BackendsHealthy";

    public const string RealServerDown = "RealServerDown";
    public const string RealServerUp = "RealServerUp";
    public const string AllRealServersDown = "AllRealServersDown";

    /// <summary>Condition reasons.</summary>
    public const string AllRealServersUp = "AllRealServersUp";
    public const string SomeRealServersDown = "RealServersDown";
    public const string NoRealServers = "NoRealServers";

    /// <summary>Most events kept in the health (the newest win).</summary>
    public const int MaxEvents = 20;

    public static BackendHealth Evaluate(
        BackendHealth? previous,
        IReadOnlyList<VipHealth> read,
        DateTimeOffset now,
        HealthContext context,
        TimeSpan eventRetention)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(context);
        var before = (previous?.Servers ?? []).ToDictionary(s => (s.Address, s.Port));
        var servers = Merge(read, context, before, now);
        var ports = Loads(read, servers);

        var events = new List<HealthEvent>();
        events.AddRange(ServerEvents(servers, before, previous?.CheckedAt, now, going: false));
        events.AddRange(ServerEvents(servers, before, previous?.CheckedAt, now, going: true));
        events.AddRange(AllDownEvents(read, servers, previous, now));

        var kept = (previous?.Events ?? [])
            .Where(e => e.At >= now - eventRetention)
            .Concat(events)
            .TakeLast(MaxEvents)
            .ToList();
        return new BackendHealth
        {
            CheckedAt = now,
            Servers = servers,
            Ports = ports,
            Events = kept,
            Condition = Condition(servers),
        };
    }

    /// <summary>Human form of a duration: "45s", "4m10s", "2h3m", "3d4h".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalMinutes < 1 ? $"{(int)span.TotalSeconds}s"
            : span.TotalHours < 1 ? $"{span.Minutes}m{span.Seconds}s"
            : span.TotalDays < 1 ? $"{(int)span.TotalHours}h{span.Minutes}m"
            : $"{(int)span.TotalDays}d{span.Hours}h";
    }

    private static List<RealServerState> Merge(
        IReadOnlyList<VipHealth> read,
        HealthContext context,
        Dictionary<(string, int), RealServerState> before,
        DateTimeOffset now)
    {
        // One entry per (address, port): two VIP entries on one port are one backend for the user; it is up
        // only where every entry has it up.
        var merged = new Dictionary<(string Address, int Port), (bool Up, int Active, int Cps)>();
        foreach (var vip in read)
        {
            foreach (var server in vip?.Servers ?? [])
            {
                if (server is null || (server.Port ?? vip!.Port) is not { } port || string.IsNullOrEmpty(server.IPAddress))
                {
                    continue;
                }

                var key = (server.IPAddress, port);
                var (up, active, cps) = merged.GetValueOrDefault(key, (true, 0, 0));
                merged[key] = (up && server.IsUp, active + (server.ActiveConnections ?? 0), cps + (server.ConnectionsPerSecond ?? 0));
            }
        }

        return merged
            .Select(m =>
            {
                var up = m.Value.Up;
                var since = before.TryGetValue(m.Key, out var old) && old.Up == up ? old.Since : now;
                return new RealServerState(
                    m.Key.Address,
                    m.Key.Port,
                    context.NodeByAddress.GetValueOrDefault(m.Key.Address),
                    up,
                    !context.Disabled.Contains(m.Key),
                    since,
                    m.Value.Active,
                    m.Value.Cps);
            })
            .OrderBy(s => s.Port)
            .ThenBy(s => s.Address, StringComparer.Ordinal)
            .ToList();
    }

    private static List<PortLoad> Loads(IReadOnlyList<VipHealth> read, List<RealServerState> servers) =>
        servers
            .GroupBy(s => s.Port)
            .Select(g =>
            {
                var vipCps = read.Where(v => v?.Port == g.Key && v.ConnectionsPerSecond is not null).Sum(v => v.ConnectionsPerSecond!.Value);
                var anyVipCps = read.Any(v => v?.Port == g.Key && v.ConnectionsPerSecond is not null);
                return new PortLoad(g.Key, g.Sum(s => s.ActiveConnections), anyVipCps ? vipCps : g.Sum(s => s.ConnectionsPerSecond));
            })
            .ToList();

    private static IEnumerable<HealthEvent> ServerEvents(
        List<RealServerState> servers,
        Dictionary<(string, int), RealServerState> before,
        DateTimeOffset? previousRead,
        DateTimeOffset now,
        bool going)
    {
        // going = true: servers that came back UP; false: servers that went (or were first read) DOWN.
        var changed = servers
            .Where(s => s.Enabled)
            .Where(s => going
                ? s.Up && before.TryGetValue((s.Address, s.Port), out var old) && !old.Up && old.Enabled
                : !s.Up && (!before.TryGetValue((s.Address, s.Port), out var was) || was.Up || !was.Enabled))
            .GroupBy(s => s.Address, StringComparer.Ordinal);
        foreach (var group in changed)
        {
            var first = group.First();
            var ports = string.Join(", ", group.Select(s => s.Port.ToString(CultureInfo.InvariantCulture)));
            var who = first.Node is null ? $"{first.Address} (no Node has this address)" : $"{first.Node} ({first.Address})";
            var plural = group.Count() > 1 ? "ports" : "port";
            string message;
            if (going)
            {
                var downSince = group.Min(s => before[(s.Address, s.Port)].Since);
                message = $"Real server {who} is UP again on {plural} {ports} after {Duration(now - downSince)} DOWN";
            }
            else
            {
                var wasKnown = group.Any(s => before.ContainsKey((s.Address, s.Port)));
                message = wasKnown && previousRead is { } last
                    ? $"Real server {who} is DOWN on {plural} {ports}: its health check fails, for at most {Duration(now - last)} (it was UP at the previous read, {Stamp(last)})"
                    : $"Real server {who} is DOWN on {plural} {ports}: its health check fails, since at least {Stamp(now)} (the first read of it)";
            }

            var reason = going ? RealServerUp : RealServerDown;
            yield return new HealthEvent(
                $"{reason}/{first.Address}/{ports.Replace(", ", "+", StringComparison.Ordinal)}/{now.UtcTicks}",
                going ? "Normal" : "Warning",
                reason,
                message,
                now);
        }
    }

    private static IEnumerable<HealthEvent> AllDownEvents(IReadOnlyList<VipHealth> read, List<RealServerState> servers, BackendHealth? previous, DateTimeOffset now)
    {
        foreach (var port in servers.Where(s => s.Enabled).GroupBy(s => s.Port))
        {
            if (port.Any(s => s.Up))
            {
                continue;
            }

            var wasAllDown = previous is not null
                && previous.Servers.Any(s => s.Port == port.Key && s.Enabled)
                && !previous.Servers.Any(s => s.Port == port.Key && s.Enabled && s.Up);
            if (wasAllDown)
            {
                continue;
            }

            var vips = string.Join(", ", read.Where(v => v?.Port == port.Key).Select(v => $"{v.VirtualIPAddress}:{port.Key}").Distinct(StringComparer.Ordinal));
            var count = port.Count();
            yield return new HealthEvent(
                $"{AllRealServersDown}/{port.Key}/{now.UtcTicks}",
                "Warning",
                AllRealServersDown,
                $"All {count} real server{(count == 1 ? "" : "s")} on port {port.Key} are DOWN: the load balancer has nowhere to send traffic for {vips}",
                now);
        }
    }

    private static StatusCondition Condition(List<RealServerState> servers)
    {
        var enabled = servers.Where(s => s.Enabled).ToList();
        if (enabled.Count == 0)
        {
            var disabled = servers.Count - enabled.Count;
            return new StatusCondition(
                ConditionType,
                "Unknown",
                NoRealServers,
                disabled > 0 ? $"every real server is disabled ({disabled})" : "the load balancer has no real servers");
        }

        var parts = servers
            .GroupBy(s => s.Port)
            .Select(g =>
            {
                var on = g.Where(s => s.Enabled).ToList();
                var text = $"{on.Count(s => s.Up)}/{on.Count} real servers up on port {g.Key}";
                var down = on.Where(s => !s.Up).Select(s => s.Node ?? s.Address).ToList();
                if (down.Count > 0)
                {
                    text += $" (down: {string.Join(", ", down)})";
                }

                var off = g.Count() - on.Count;
                return off > 0 ? text + $" ({off} disabled)" : text;
            });
        var message = string.Join("; ", parts);
        var allDownPort = enabled.GroupBy(s => s.Port).Any(g => !g.Any(s => s.Up));
        return enabled.All(s => s.Up)
            ? new StatusCondition(ConditionType, "True", AllRealServersUp, message)
            : new StatusCondition(ConditionType, "False", allDownPort ? AllRealServersDown : SomeRealServersDown, message);
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
