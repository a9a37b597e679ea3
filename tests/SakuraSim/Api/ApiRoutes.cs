using System.Globalization;
using System.Text.Json.Nodes;
using SakuraSim.Model;
using SakuraSim.Pipeline;
using SakuraSim.Search;
using SakuraSim.Wire;

namespace SakuraSim.Api;

/// <summary>The routing table of the API subset a load-balancer controller uses, under <c>/cloud/zone/{zone}/api/cloud/1.1</c>.</summary>
internal static class ApiRoutes
{
    public const string Root = "/cloud/zone/{zone}/api/cloud/1.1";

    public static void MapSakuraApi(this IEndpointRouteBuilder app, Simulator sim)
    {
        var api = app.MapGroup(Root);
        api.MapGet("/auth-status", AuthStatusAsync);
        NetworkEndpoints.Map(api, sim);
        ServerEndpoints.Map(api, sim);
        ApplianceEndpoints.Map(api, sim);

        // Anything else under the API root (or a malformed root) is an unknown route: 404 with the error body.
        app.Map("/cloud/zone/{**rest}", http =>
        {
            var (_, path) = ApiPipeline.Split(http.Request.Path.Value ?? "/");
            throw ApiPipeline.NoSuchRoute(http.Request.Method, path);
        });
    }

    private static Task AuthStatusAsync(HttpContext http)
    {
        _ = Simulator.RequireZone(Zone(http));
        // The one resource whose body is the data itself, with no wrapper key.
        var body = new JsonObject
        {
            ["Account"] = new JsonObject { ["ID"] = 111100000001, ["Name"] = "sakura-sim", ["Code"] = "sim", ["Class"] = "account" },
            ["Member"] = new JsonObject { ["Code"] = "sim-member", ["Class"] = "member" },
            ["AuthClass"] = "account",
            ["AuthMethod"] = "apikey",
            ["ExternalPermission"] = "bill+eventlog+cdn",
            ["IsAPIKey"] = true,
            ["OperationPenalty"] = "none",
            ["Permission"] = "create",
            ["is_ok"] = true,
        };
        return ApiResponses.WriteAsync(http, 200, body);
    }

    public static string? Zone(HttpContext http) => http.Request.RouteValues["zone"] as string;

    /// <summary>The zone of the request, validated (an unknown zone is a 404 like any unknown path).</summary>
    public static string RequireZone(HttpContext http) => Simulator.RequireZone(Zone(http));

    /// <summary>A resource ID from the path; anything but digits is an unknown resource.</summary>
    public static long RequireId(HttpContext http, string what)
    {
        var text = http.Request.RouteValues["id"] as string;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw SakuraApiException.NotFound($"{what} '{text}' was not found");
    }

    /// <summary>A read by ID: <paramref name="find"/> renders the resource, or returns null for a 404.</summary>
    public static Task ReadAsync(HttpContext http, Simulator sim, string key, Func<SimState, string, long, JsonObject?> find)
    {
        var zone = RequireZone(http);
        var id = RequireId(http, key);
        JsonObject body;
        lock (sim.Gate)
        {
            var wire = find(sim.State, zone, id) ?? throw SakuraApiException.NotFound($"{key} {id} was not found in zone {zone}");
            body = ApiResponses.Single(key, wire);
        }

        return ApiResponses.WriteAsync(http, 200, body);
    }

    public static SearchQuery Query(HttpContext http) =>
        SearchQuery.Parse(SearchQuery.DecodeRaw(http.Request.QueryString.Value));

    /// <summary>
    /// A find: filter, sort and page over the rendered items, then project. <paramref name="onPage"/>
    /// sees the page (appliances use it to record that these were looked at).
    /// </summary>
    public static Task ListAsync<T>(
        HttpContext http,
        Simulator sim,
        string key,
        Func<SimState, IEnumerable<T>> source,
        Func<ResourceRenderer, T, JsonObject> render,
        Func<T, T>? onPage = null)
    {
        var query = Query(http);
        JsonObject body;
        lock (sim.Gate)
        {
            var renderer = sim.Renderer;
            var page = SearchExecutor.Run(source(sim.State).ToList(), item => render(renderer, item), query, sim.Settings.DefaultPageSize);
            var items = page.Items
                .Select(item => onPage is null ? item : onPage(item))
                .Select(item => SearchExecutor.Project(render(renderer, item), query))
                .ToList();
            body = ApiResponses.List(key, page, items, sim.Now);
        }

        return ApiResponses.WriteAsync(http, 200, body);
    }
}
