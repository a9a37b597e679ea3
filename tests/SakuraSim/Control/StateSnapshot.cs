using System.Text.Json.Nodes;
using SakuraSim.Model;
using SakuraSim.Wire;

namespace SakuraSim.Control;

/// <summary>The <c>GET /_sim/state</c> document: every resource with the simulator-only facts (applied settings, phase ends).</summary>
internal static class StateSnapshot
{
    public static JsonObject Render(Simulator sim)
    {
        var state = sim.State;
        var now = sim.Now;
        return new JsonObject
        {
            ["now"] = WireFormat.Timestamp(now),
            ["timeScale"] = sim.Settings.TimeScale,
            ["routers"] = Array(state.Routers.Values.OrderBy(r => r.Id).Select(Router)),
            ["switches"] = Array(state.Switches.Values.OrderBy(s => s.Id).Select(Switch)),
            ["servers"] = Array(state.Servers.Values.OrderBy(s => s.Id).Select(Server)),
            ["appliances"] = Array(state.Appliances.Values.OrderBy(a => a.Id).Select(a => Appliance(sim.PeekAppliance(a)))),
            ["sharedSegments"] = Array(state.SharedSegments.Values.OrderBy(x => x.Id).Select(x => new JsonObject
            {
                ["id"] = x.Id,
                ["zone"] = x.Zone,
                ["networkAddress"] = x.Block.Network.ToString(),
                ["networkMaskLen"] = x.Block.MaskLength,
                ["defaultRoute"] = x.DefaultRoute.ToString(),
            })),
            ["health"] = Array(state.Health
                .OrderBy(h => h.Key.Zone, StringComparer.Ordinal).ThenBy(h => h.Key.Address).ThenBy(h => h.Key.Port ?? 0)
                .Select(h => HealthChange.ToJson(h.Key, h.Value))),
        };
    }

    private static JsonArray Array(IEnumerable<JsonObject> items) => new(items.Select(i => (JsonNode?)i).ToArray());

    public static JsonObject Router(RouterRecord router)
    {
        var subnet = router.Subnet;
        var reserved = new JsonArray();
        foreach (var address in new[] { subnet.Block.Network, subnet.Block.Network.Add(1), subnet.Block.Network.Add(2), subnet.Block.Network.Add(3), subnet.Block.Broadcast })
        {
            reserved.Add(new JsonObject { ["address"] = address.ToString(), ["role"] = subnet.ReservedRole(address) });
        }

        return new JsonObject
        {
            ["id"] = router.Id,
            ["zone"] = router.Zone,
            ["name"] = router.Name,
            ["tags"] = WireFormat.Strings(router.Tags),
            ["switchId"] = router.SwitchId,
            ["bandWidthMbps"] = router.BandWidthMbps,
            ["subnetId"] = subnet.Id,
            ["networkAddress"] = subnet.Block.Network.ToString(),
            ["networkMaskLen"] = subnet.Block.MaskLength,
            ["defaultRoute"] = subnet.DefaultRoute.ToString(),
            ["assignableMin"] = subnet.AssignableMin.ToString(),
            ["assignableMax"] = subnet.AssignableMax.ToString(),
            ["reserved"] = reserved,
        };
    }

    private static JsonObject Switch(SwitchRecord sw) => new()
    {
        ["id"] = sw.Id,
        ["zone"] = sw.Zone,
        ["name"] = sw.Name,
        ["tags"] = WireFormat.Strings(sw.Tags),
        ["routerId"] = sw.RouterId,
        ["userSubnet"] = sw.UserSubnet is null
            ? null
            : new JsonObject { ["defaultRoute"] = sw.UserSubnet.DefaultRoute.ToString(), ["networkMaskLen"] = sw.UserSubnet.NetworkMaskLen },
    };

    private static JsonObject Server(ServerRecord server) => new()
    {
        ["id"] = server.Id,
        ["zone"] = server.Zone,
        ["name"] = server.Name,
        ["hostName"] = server.HostName,
        ["tags"] = WireFormat.Strings(server.Tags),
        ["status"] = server.IsUp ? "up" : "down",
        ["availability"] = server.Availability,
        ["plan"] = new JsonObject
        {
            ["id"] = server.Plan.Id,
            ["cpu"] = server.Plan.Cpu,
            ["memoryMB"] = server.Plan.MemoryMb,
            ["generation"] = server.Plan.Generation,
            ["commitment"] = server.Plan.Commitment,
        },
        ["interfaces"] = Array(server.Interfaces.Select(n => new JsonObject
        {
            ["id"] = n.Id,
            ["macAddress"] = n.MacAddress,
            ["switchId"] = n.SwitchId,
            ["userIPAddress"] = n.UserIpAddress?.ToString(),
            ["ipAddress"] = n.IpAddress?.ToString(),
        })),
    };

    private static JsonObject Appliance(ApplianceRecord appliance)
    {
        var lifecycle = appliance.Lifecycle;
        var storedHash = ResourceRenderer.SettingsHash(appliance.StoredSettings);
        var appliedHash = appliance.AppliedSettings is { } applied ? ResourceRenderer.SettingsHash(applied) : null;
        return new JsonObject
        {
            ["id"] = appliance.Id,
            ["zone"] = appliance.Zone,
            ["class"] = appliance.Class,
            ["name"] = appliance.Name,
            ["tags"] = WireFormat.Strings(appliance.Tags),
            ["switchId"] = appliance.SwitchId,
            ["planId"] = appliance.PlanId,
            ["vrid"] = appliance.Vrid,
            ["networkMaskLen"] = appliance.NetworkMaskLen,
            ["defaultRoute"] = appliance.DefaultRoute?.ToString(),
            ["ipAddresses"] = WireFormat.Strings(appliance.IpAddresses.Select(a => a.ToString())),
            ["availability"] = lifecycle.Availability,
            ["instanceStatus"] = lifecycle.InstanceStatus,
            ["phase"] = lifecycle.Phase.ToString().ToLowerInvariant(),
            ["phaseEndsAt"] = WireFormat.Timestamp(lifecycle.Upcoming.Count > 0 ? lifecycle.PhaseEndsAt : null),
            ["createdAt"] = WireFormat.Timestamp(appliance.CreatedAt),
            ["notFoundUntil"] = WireFormat.Timestamp(appliance.NotFoundUntil),
            ["storedSettings"] = ResourceRenderer.Settings(appliance.StoredSettings)["LoadBalancer"]!.DeepClone(),
            ["appliedSettings"] = appliance.AppliedSettings is { } a ? ResourceRenderer.Settings(a)["LoadBalancer"]!.DeepClone() : null,
            ["settingsHash"] = storedHash,
            ["appliedSettingsHash"] = appliedHash,
            ["settingsApplied"] = appliedHash == storedHash,
        };
    }
}
