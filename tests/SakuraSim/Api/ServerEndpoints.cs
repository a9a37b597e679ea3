using SakuraSim.Pipeline;
using SakuraSim.Wire;

namespace SakuraSim.Api;

/// <summary>Server reads (sakura-api.md §4.5): what a controller needs to map nodes and find used addresses.</summary>
internal static class ServerEndpoints
{
    public static void Map(RouteGroupBuilder api, Simulator sim)
    {
        api.MapGet("/server", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            return ApiRoutes.ListAsync(http, sim, "Servers", s => s.ServersIn(zone), (r, x) => r.Server(x));
        });

        api.MapGet("/server/{id}", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            var id = ApiRoutes.RequireId(http, "Server");
            System.Text.Json.Nodes.JsonObject body;
            lock (sim.Gate)
            {
                var server = sim.State.Servers.GetValueOrDefault(id);
                if (server is null || server.Zone != zone)
                {
                    throw SakuraApiException.NotFound($"Server {id} was not found in zone {zone}");
                }

                body = ApiResponses.Single("Server", sim.Renderer.Server(server));
            }

            return ApiResponses.WriteAsync(http, 200, body);
        });
    }
}
