using System.Globalization;
using System.Net.Http.Json;

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>One API request as the simulator logged it.</summary>
public sealed record SimRequest(string Method, string Path, string? Query, int Status, string? ErrorCode, DateTimeOffset Time)
{
    public bool IsWrite => Method is "POST" or "PUT" or "DELETE";

    public override string ToString() => $"{Method} {Path} {Status}{(ErrorCode is null ? "" : " " + ErrorCode)}";
}

/// <summary>An appliance as <c>GET /_sim/state</c> shows it.</summary>
public sealed record SimAppliance(long Id, string Name, IReadOnlyList<string> Tags, string Phase, IReadOnlyList<string> IpAddresses, JsonArray? AppliedSettings, JsonArray StoredSettings)
{
    /// <summary>The switch it joined, its plan (1 standard, 2 premium), mask and default route.</summary>
    public (long SwitchId, int PlanId, int? NetworkMaskLen, string? DefaultRoute) Network { get; init; }

    public IReadOnlyList<string> Vips => [.. StoredSettings.Select(v => (string)v!["VirtualIPAddress"]!).Distinct()];
}

/// <summary>The simulator's <c>/_sim/*</c> control endpoints (docs/sakura-simulator.md).</summary>
public sealed class SimControl(Uri baseAddress) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = new Uri(baseAddress, "_sim/") };

    public Task ConfigureAsync(JsonObject config) => SendAsync(HttpMethod.Put, "config", config);

    public Task FaultsAsync(params JsonObject[] faults) => ConfigureAsync(new JsonObject { ["faults"] = new JsonArray([.. faults]) });

    public async Task ClearRequestsAsync()
    {
        using var response = await http.DeleteAsync("requests");
        response.EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<SimRequest>> RequestsAsync()
    {
        var array = await http.GetFromJsonAsync<JsonArray>("requests") ?? [];
        return [.. array.Select(n => new SimRequest(
            (string)n!["method"]!,
            (string)n["path"]!,
            (string?)n["query"],
            (int)n["status"]!,
            (string?)n["errorCode"],
            DateTimeOffset.Parse((string)n["time"]!, CultureInfo.InvariantCulture)))];
    }

    public async Task<IReadOnlyList<SimAppliance>> LoadBalancersAsync()
    {
        var state = await http.GetFromJsonAsync<JsonObject>("state") ?? [];
        return [.. (state["appliances"] as JsonArray ?? [])
            .Where(a => (string?)a!["class"] == "loadbalancer")
            .Select(a => new SimAppliance(
                (long)a!["id"]!,
                (string)a["name"]!,
                [.. (a["tags"] as JsonArray ?? []).Select(t => (string)t!)],
                (string)a["phase"]!,
                [.. (a["ipAddresses"] as JsonArray ?? []).Select(t => (string)t!)],
                a["appliedSettings"] as JsonArray,
                a["storedSettings"] as JsonArray ?? [])
            {
                Network = ((long)a["switchId"]!, (int)a["planId"]!, (int?)a["networkMaskLen"], (string?)a["defaultRoute"]),
            })];
    }

    /// <summary>Adds a server (a node's machine) with one NIC on the default router's switch; returns its id.</summary>
    public async Task<long> AddServerAsync(string name, string ipAddress, long switchId = Topology.SwitchId)
    {
        var created = await SendAsync(HttpMethod.Post, "servers", new JsonObject
        {
            ["zone"] = "is1a",
            ["name"] = name,
            ["switchId"] = switchId,
            ["ipAddress"] = ipAddress,
            ["hostName"] = name,
            ["status"] = "up",
        });
        return long.Parse(created!["ID"]!.ToString(), CultureInfo.InvariantCulture);
    }

    /// <summary>A new plain switch (no router) with these tags; returns its id.</summary>
    public async Task<long> AddSwitchAsync(string name, params string[] tags)
    {
        var created = await SendAsync(HttpMethod.Post, "switches", new JsonObject
        {
            ["zone"] = "is1a",
            ["name"] = name,
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]),
        });
        return (long)created!["ID"]!;
    }

    /// <summary>Connects one more NIC of a server to a switch, at the address.</summary>
    public Task AddInterfaceAsync(long serverId, long switchId, string ipAddress) =>
        SendAsync(HttpMethod.Post, $"servers/{serverId.ToString(CultureInfo.InvariantCulture)}/interfaces", new JsonObject { ["switchId"] = switchId, ["ipAddress"] = ipAddress });

    /// <summary>Adds a server as <c>POST /_sim/servers</c> takes it (any NICs, plan, power); returns its id.</summary>
    public async Task<long> AddServerAsync(JsonObject server)
    {
        var created = await SendAsync(HttpMethod.Post, "servers", server);
        return long.Parse(created!["ID"]!.ToString(), CultureInfo.InvariantCulture);
    }

    /// <summary>Powers a server up or down at once.</summary>
    public Task PowerAsync(long serverId, bool up) =>
        SendAsync(HttpMethod.Post, $"servers/{serverId}/power", new JsonObject { ["status"] = up ? "up" : "down" });

    /// <summary>Makes a server's health checks fail (<paramref name="up"/> false) or pass, on some ports or all, without touching its power.</summary>
    public Task HealthAsync(long serverId, bool up, params int[] ports) =>
        SendAsync(HttpMethod.Post, $"servers/{serverId}/health", new JsonObject
        {
            ["status"] = up ? "up" : "down",
            ["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)p)]),
        });

    public Task DeleteServerAsync(long serverId) => SendAsync(HttpMethod.Delete, $"servers/{serverId}", null);

    /// <summary>A new router+switch; returns its switch id.</summary>
    public async Task<long> AddRouterAsync(string name, int maskLength, params string[] tags)
    {
        var router = await SendAsync(HttpMethod.Post, "routers", new JsonObject
        {
            ["zone"] = "is1a",
            ["name"] = name,
            ["networkMaskLen"] = maskLength,
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]),
        });
        return long.Parse(router!["Switch"]!["ID"]!.ToString(), CultureInfo.InvariantCulture);
    }

    /// <summary>The network address of a router's block, from <c>GET /_sim/state</c>.</summary>
    public async Task<string> RouterNetworkAsync(string name)
    {
        var state = await http.GetFromJsonAsync<JsonObject>("state") ?? [];
        var router = (state["routers"] as JsonArray ?? []).Single(r => (string?)r!["name"] == name)!;
        return (string)router["networkAddress"]!;
    }

    /// <summary>Plants an appliance "made by someone else".</summary>
    public async Task<long> PlantAsync(JsonObject appliance, string state = "up")
    {
        var created = await SendAsync(HttpMethod.Post, "appliances", new JsonObject { ["zone"] = "is1a", ["state"] = state, ["appliance"] = appliance });
        return long.Parse(created!["ID"]!.ToString(), CultureInfo.InvariantCulture);
    }

    public Task DeleteApplianceAsync(long id) => SendAsync(HttpMethod.Delete, $"appliances/{id}", null);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} /_sim/{path} answered {(int)response.StatusCode}: {text}");
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    public void Dispose() => http.Dispose();
}

/// <summary>The simulator's default topology (docs/sakura-simulator.md).</summary>
public static class Topology
{
    public const long SwitchId = 112800000002;
    public const string FirstFree = "203.0.113.103";

    /// <summary>The seeded servers' ids, in the order of <see cref="Workers"/>.</summary>
    public static IReadOnlyList<long> WorkerIds { get; } = [113100000003, 113100000005, 113100000007];

    /// <summary>The three seeded servers and their addresses.</summary>
    public static IReadOnlyList<(string Name, string Address)> Workers { get; } =
    [
        ("worker01", "203.0.113.100"),
        ("worker02", "203.0.113.101"),
        ("worker03", "203.0.113.102"),
    ];
}
