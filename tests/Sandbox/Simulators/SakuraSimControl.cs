using System.Text.Json.Nodes;
using SakuraLb.Reconcile.Addressing;

namespace Sandbox.Simulators;

/// <summary>A server of the Sakura simulator with its address on one switch (a router's, or a plain one).</summary>
public sealed record SimServer(long Id, string Name, long SwitchId, string Address);

/// <summary>One Sakura API request as the simulator's request log shows it (control requests under /_sim are not logged).</summary>
public sealed record SimApiRequest(string Method, string Path, int Status, DateTimeOffset Time)
{
    public bool IsWrite => Method is "POST" or "PUT" or "DELETE";
}

/// <summary>A plain switch of the simulator.</summary>
public sealed record SimSwitch(long Id, string Name);

/// <summary>
/// The Sakura simulator's control endpoints (<c>/_sim/*</c>, docs/sakura-simulator.md) for the sandbox and the
/// whole-system tests: its state, and servers added the way a user adds a worker.
/// </summary>
public sealed class SakuraSimControl(Uri baseAddress) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Everything the simulator holds (routers, switches, servers, appliances with their settings).</summary>
    public async Task<JsonObject> StateAsync(CancellationToken cancellationToken = default) =>
        await http.GetFromJsonAsync<JsonObject>("_sim/state", cancellationToken)
        ?? throw new InvalidOperationException("The simulator answered /_sim/state with null.");

    /// <summary>The load balancers (appliances of class loadbalancer) as the simulator sees them.</summary>
    public async Task<IReadOnlyList<SimLoadBalancer>> LoadBalancersAsync(CancellationToken cancellationToken = default) =>
        [.. Array(await StateAsync(cancellationToken), "appliances")
            .Where(a => a["class"]?.GetValue<string>() == "loadbalancer")
            .Select(SimLoadBalancer.From)];

    /// <summary>The API requests since the log was last cleared, oldest first.</summary>
    public async Task<IReadOnlyList<SimApiRequest>> RequestsAsync(CancellationToken cancellationToken = default) =>
        [.. (await http.GetFromJsonAsync<JsonArray>("_sim/requests", cancellationToken) ?? []).OfType<JsonObject>().Select(r => new SimApiRequest(
            r["method"]!.GetValue<string>(),
            r["path"]!.GetValue<string>(),
            r["status"]!.GetValue<int>(),
            DateTimeOffset.Parse(r["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>Empties the request log.</summary>
    public Task ClearRequestsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "_sim/requests", null, cancellationToken);

    /// <summary>Adds a router+switch with the block and these tags; returns the id of its switch.</summary>
    public async Task<long> AddRouterAsync(string name, IReadOnlyList<string> tags, Ipv4Block block, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(block);
        var router = await PostAsync(
            "_sim/routers",
            new JsonObject
            {
                ["name"] = name,
                ["tags"] = Tags(tags),
                ["networkAddress"] = block.Network.ToString(),
                ["networkMaskLen"] = block.PrefixLength,
            },
            cancellationToken);
        return Id(router["Switch"]!.AsObject());
    }

    /// <summary>Adds a running server with one NIC on the switch, at the address.</summary>
    public async Task<SimServer> AddServerAsync(string name, long switchId, string address, CancellationToken cancellationToken = default)
    {
        var server = await PostAsync(
            "_sim/servers", new JsonObject { ["name"] = name, ["switchId"] = switchId, ["ipAddress"] = address, ["status"] = "up" }, cancellationToken);
        return new SimServer(Id(server), name, switchId, address);
    }

    /// <summary>Adds a plain switch (no router) with these tags and, as its declared subnet, the gateway and mask.</summary>
    public async Task<SimSwitch> AddSwitchAsync(string name, IReadOnlyList<string> tags, string defaultRoute, int networkMaskLen, CancellationToken cancellationToken = default)
    {
        var created = await PostAsync(
            "_sim/switches",
            new JsonObject
            {
                ["name"] = name,
                ["tags"] = Tags(tags),
                ["userSubnet"] = new JsonObject { ["defaultRoute"] = defaultRoute, ["networkMaskLen"] = networkMaskLen },
            },
            cancellationToken);
        return new SimSwitch(Id(created), name);
    }

    /// <summary>Connects one more NIC of the server to the switch, at the address (a worker's second, private NIC).</summary>
    public async Task<SimServer> AddInterfaceAsync(SimServer server, long switchId, string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        await PostAsync(
            $"_sim/servers/{server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}/interfaces",
            new JsonObject { ["switchId"] = switchId, ["ipAddress"] = address },
            cancellationToken);
        return server with { SwitchId = switchId, Address = address };
    }

    /// <summary>Powers a server off or on at once.</summary>
    public Task PowerAsync(long serverId, bool up, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"_sim/servers/{serverId}/power", new JsonObject { ["status"] = up ? "up" : "down" }, cancellationToken);

    /// <summary>
    /// Sets the connection numbers the load balancers' <c>/status</c> reports for every address of a server (its check
    /// state kept); answers the simulator's health settings of that server.
    /// </summary>
    public async Task<JsonArray> SetTrafficAsync(long serverId, int activeConnections, int connectionsPerSecond, CancellationToken cancellationToken = default)
    {
        var answer = await PostAsync(
            $"_sim/servers/{serverId}/health",
            new JsonObject { ["activeConn"] = activeConnections, ["cps"] = connectionsPerSecond },
            cancellationToken);
        return answer["health"]!.AsArray();
    }

    /// <summary>Deletes a server, as someone would in the control panel.</summary>
    public Task DeleteServerAsync(long serverId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"_sim/servers/{serverId}", null, cancellationToken);

    public void Dispose() => http.Dispose();

    private static long Id(JsonObject created) => long.Parse(created["ID"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<JsonObject> PostAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        JsonNode.Parse(await SendAsync(HttpMethod.Post, path, body, cancellationToken))!.AsObject();

    /// <summary>Sends a control request; returns the answer's body, or throws naming what the simulator refused.</summary>
    private async Task<string> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? text
            : throw new InvalidOperationException($"The simulator refused {method} {path}: {(int)response.StatusCode} {text}");
    }

    private static JsonArray Tags(IReadOnlyList<string> tags) => new([.. tags.Select(t => (JsonNode)t)]);

    private static IEnumerable<JsonObject> Array(JsonNode node, string name) =>
        (node[name] as JsonArray ?? []).OfType<JsonObject>();
}
