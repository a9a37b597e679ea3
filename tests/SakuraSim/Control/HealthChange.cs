using System.Text.Json.Nodes;
using SakuraSim.Model;

namespace SakuraSim.Control;

/// <summary>
/// A body of <c>POST /_sim/health</c> or <c>/_sim/servers/{id}/health</c>: make the health checks of
/// real servers at some addresses fail (<c>"status":"down"</c>) or pass again (<c>"up"</c>), and set the
/// connection numbers <c>/status</c> reports for them. Keys left out keep their current value.
/// </summary>
internal sealed record HealthChange(Ipv4? Address, IReadOnlyList<int> Ports, bool? Failing, int? ActiveConn, int? Cps)
{
    public static HealthChange Parse(ControlBody body, bool addressRequired)
    {
        var address = body.Address("ipAddress", addressRequired);
        var ports = new List<int>();
        if (body.Array("ports") is { } array)
        {
            foreach (var item in array)
            {
                if (!Wire.JsonRead.TryGetInt(item, out var port) || port is < 1 or > 65535)
                {
                    body.Errors.Add("ports must hold port numbers between 1 and 65535");
                    break;
                }

                ports.Add(port);
            }
        }

        bool? failing = body.String("status") switch
        {
            null => null,
            "up" => false,
            "down" => true,
            _ => Invalid(body, "The property status must be \"up\" (the check passes) or \"down\" (it fails)"),
        };
        var activeConn = body.Int("activeConn", 0, 1_000_000);
        var cps = body.Int("cps", 0, 1_000_000);
        if (failing is null && activeConn is null && cps is null && body.Errors.Count == 0)
        {
            body.Errors.Add("Nothing to change: give status, activeConn or cps");
        }

        return new HealthChange(address, ports, failing, activeConn, cps);
    }

    private static bool? Invalid(ControlBody body, string message)
    {
        body.Errors.Add(message);
        return null;
    }

    /// <summary>
    /// Applies the change to every (address, port). Without ports it covers every port of the address
    /// and replaces the per-port entries, so "up" for the address really clears it.
    /// </summary>
    public JsonObject Apply(SimState state, string zone, IReadOnlyList<Ipv4> addresses)
    {
        var keys = new List<HealthKey>();
        foreach (var address in addresses)
        {
            if (Ports.Count == 0)
            {
                var current = state.Health.GetValueOrDefault(new HealthKey(zone, address, null));
                foreach (var perPort in state.Health.Keys.Where(k => k.Zone == zone && k.Address == address && k.Port is not null).ToList())
                {
                    state.Health.Remove(perPort);
                }

                Set(state, new HealthKey(zone, address, null), current);
                keys.Add(new HealthKey(zone, address, null));
                continue;
            }

            foreach (var port in Ports)
            {
                var key = new HealthKey(zone, address, port);
                var current = state.Health.GetValueOrDefault(key) ?? state.Health.GetValueOrDefault(key with { Port = null });
                Set(state, key, current);
                keys.Add(key);
            }
        }

        return new JsonObject { ["health"] = new JsonArray(keys.Select(k => (JsonNode?)ToJson(k, state.Health.GetValueOrDefault(k))).ToArray()) };
    }

    private void Set(SimState state, HealthKey key, RealServerHealth? current)
    {
        var next = new RealServerHealth(
            Failing ?? current?.Failing ?? false,
            ActiveConn ?? current?.ActiveConn ?? 0,
            Cps ?? current?.Cps ?? 0);
        // An entry equal to what applies without it is dropped, so the table only holds real differences.
        var fallback = key.Port is null ? null : state.Health.GetValueOrDefault(key with { Port = null });
        if (next == (fallback ?? new RealServerHealth(false, 0, 0)))
        {
            state.Health.Remove(key);
        }
        else
        {
            state.Health[key] = next;
        }
    }

    public static JsonObject ToJson(HealthKey key, RealServerHealth? health) => new()
    {
        ["zone"] = key.Zone,
        ["ipAddress"] = key.Address.ToString(),
        ["port"] = key.Port,
        ["status"] = health?.Failing == true ? "down" : "up",
        ["activeConn"] = health?.ActiveConn ?? 0,
        ["cps"] = health?.Cps ?? 0,
    };
}
