using SakuraLb.Model;

namespace SakuraLb.Relay.Telemetry;

/// <summary>One value of a backend gauge with its labels.</summary>
public sealed record BackendMeasurement(double Value, IReadOnlyList<KeyValuePair<string, object?>> Labels);

/// <summary>The backend gauges' values at one instant.</summary>
public sealed record BackendMeasurements(
    IReadOnlyList<BackendMeasurement> Up,
    IReadOnlyList<BackendMeasurement> ActiveConnections,
    IReadOnlyList<BackendMeasurement> ConnectionsPerSecond)
{
    /// <summary>
    /// The most series one backend gauge exports. A Service has at most 10 VIP ports with at most 40 real servers each
    /// (the appliance's limits), so <c>sakuralb_backend_up</c> has at most 400 series per Service and the other two 10;
    /// past this bound (25 Services at their limits, hundreds in practice) the rest is left out rather than let the
    /// series grow without end.
    /// </summary>
    public const int MaxSeries = 10_000;

    /// <summary>Backend health of the statuses in the feed → the gauges (disabled real servers are left out of <c>up</c>).</summary>
    public static BackendMeasurements Of(IEnumerable<ServiceStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var up = new List<BackendMeasurement>();
        var active = new List<BackendMeasurement>();
        var cps = new List<BackendMeasurement>();
        foreach (var status in statuses.OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            if (status?.Backends is not { } backends)
            {
                continue;
            }

            foreach (var server in backends.Servers.Where(s => s is not null && s.Enabled))
            {
                if (up.Count < MaxSeries)
                {
                    up.Add(new BackendMeasurement(server.Up ? 1 : 0, Labels(status, server.Port, ("node", server.Node ?? server.Address))));
                }
            }

            foreach (var port in backends.Ports.Where(p => p is not null))
            {
                if (active.Count < MaxSeries)
                {
                    active.Add(new BackendMeasurement(port.ActiveConnections, Labels(status, port.Port)));
                    cps.Add(new BackendMeasurement(port.ConnectionsPerSecond, Labels(status, port.Port)));
                }
            }
        }

        return new BackendMeasurements(up, active, cps);
    }

    private static KeyValuePair<string, object?>[] Labels(ServiceStatus status, int port, params (string Key, string Value)[] more) =>
        [
            new("namespace", status.Namespace),
            new("service", status.Name),
            .. more.Select(m => new KeyValuePair<string, object?>(m.Key, m.Value)),
            new("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
}
