namespace SakuraSim.Api;

/// <summary>Server reads: what a controller needs to map nodes and find used addresses.</summary>
internal static class ServerEndpoints
{
    public static void Map(RouteGroupBuilder api, Simulator sim)
    {
        api.MapGet("/server", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            return ApiRoutes.ListAsync(http, sim, "Servers", s => s.ServersIn(zone), (r, x) => r.Server(x));
        });

        api.MapGet("/server/{id}", http => ApiRoutes.ReadAsync(http, sim, "Server", (state, zone, id) =>
            state.Servers.TryGetValue(id, out var server) && server.Zone == zone ? sim.Renderer.Server(server) : null));
    }
}
