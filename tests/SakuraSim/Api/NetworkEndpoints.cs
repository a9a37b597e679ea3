using SakuraSim.Model;
using SakuraSim.Pipeline;
using SakuraSim.Wire;

namespace SakuraSim.Api;

/// <summary>Router+switch (internet), switch, subnet and IP address reads.</summary>
internal static class NetworkEndpoints
{
    public static void Map(RouteGroupBuilder api, Simulator sim)
    {
        api.MapGet("/internet", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            // The list key of the internet resource really is singular: "Internet", not "Internets".
            return ApiRoutes.ListAsync(http, sim, "Internet", s => s.RoutersIn(zone), (r, x) => r.Internet(x));
        });
        api.MapGet("/internet/{id}", http => ApiRoutes.ReadAsync(http, sim, "Internet", (state, zone, id) =>
            state.Routers.TryGetValue(id, out var router) && router.Zone == zone ? sim.Renderer.Internet(router) : null));

        api.MapGet("/switch", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            return ApiRoutes.ListAsync(http, sim, "Switches", s => s.SwitchesIn(zone), (r, x) => r.Switch(x));
        });
        api.MapGet("/switch/{id}", http => ApiRoutes.ReadAsync(http, sim, "Switch", (state, zone, id) =>
            state.FindSwitch(zone, id) is { } sw ? sim.Renderer.Switch(sw) : null));
        api.MapGet("/switch/{id}/server", http =>
        {
            var (zone, sw) = RequireSwitch(http, sim);
            return ApiRoutes.ListAsync(http, sim, "Servers",
                s => s.ServersIn(zone).Where(v => v.Interfaces.Any(n => n.SwitchId == sw.Id)),
                (r, x) => r.Server(x));
        });
        api.MapGet("/switch/{id}/appliance", http =>
        {
            var (zone, sw) = RequireSwitch(http, sim);
            return ApiRoutes.ListAsync(http, sim, "Appliances",
                s => s.AppliancesIn(zone).Where(a => a.IsConnectedTo(sw.Id) && sim.Now >= a.NotFoundUntil).Select(sim.PeekAppliance),
                (r, x) => r.Appliance(x),
                a => sim.ObserveAppliance(zone, a.Id, isRead: false));
        });

        api.MapGet("/subnet", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            return ApiRoutes.ListAsync(http, sim, "Subnets", s => s.RoutersIn(zone), (r, x) => r.Subnet(x));
        });
        api.MapGet("/subnet/{id}", http => ApiRoutes.ReadAsync(http, sim, "Subnet", (state, zone, id) =>
            state.RoutersIn(zone).FirstOrDefault(r => r.Subnet.Id == id) is { } router ? sim.Renderer.Subnet(router) : null));

        api.MapGet("/ipaddress", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            return ApiRoutes.ListAsync(http, sim, "IPAddress",
                s => s.RoutersIn(zone).SelectMany(r => ResourceRenderer.AssignableAddresses(r.Subnet).Select(a => (Router: r, Address: a))),
                (r, x) => r.IpAddress(x.Router, x.Address));
        });
        api.MapGet("/ipaddress/{ip}", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            var text = http.Request.RouteValues["ip"] as string;
            if (!Ipv4.TryParse(text, out var address))
            {
                throw SakuraApiException.NotFound($"IP address '{text}' was not found");
            }

            System.Text.Json.Nodes.JsonObject body;
            lock (sim.Gate)
            {
                var router = sim.State.RoutersIn(zone).FirstOrDefault(r => r.Subnet.IsAssignable(address))
                    ?? throw SakuraApiException.NotFound($"IP address {address} is not an assignable address of any router+switch in zone {zone}");
                body = ApiResponses.Single("IPAddress", sim.Renderer.IpAddress(router, address));
            }

            return ApiResponses.WriteAsync(http, 200, body);
        });
    }

    private static (string Zone, SwitchRecord Switch) RequireSwitch(HttpContext http, Simulator sim)
    {
        var zone = ApiRoutes.RequireZone(http);
        var id = ApiRoutes.RequireId(http, "Switch");
        lock (sim.Gate)
        {
            return (zone, sim.State.FindSwitch(zone, id) ?? throw SakuraApiException.NotFound($"Switch {id} was not found in zone {zone}"));
        }
    }
}
