using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SakuraLb.Sakura.Api;
using SakuraSim;

namespace SakuraLb.Sakura.Tests.Integration;

/// <summary>One simulator per test class (tests in a class run one at a time; classes run in parallel).</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    private SakuraSimulator? simulator;

    public SakuraSimulator Simulator => simulator ?? throw new InvalidOperationException("not started");

    public HttpClient Control { get; } = new();

    public async Task InitializeAsync()
    {
        simulator = await SakuraSimulator.StartAsync(new SakuraSimulatorOptions { TimeScale = 0, RateLimitPerSecond = 0 });
        Control.BaseAddress = new Uri(simulator.BaseAddress, "_sim/");
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        if (simulator is not null)
        {
            await simulator.DisposeAsync();
        }
    }

    /// <summary>Back to the default topology, no faults, no rate limit, instant lifecycle, empty request log.</summary>
    public async Task ResetAsync()
    {
        await PostAsync("reset", new JsonObject { ["seedDefaultTopology"] = true });
        await ConfigureAsync(new JsonObject { ["timeScale"] = 0, ["rateLimitPerSecond"] = 0, ["faults"] = new JsonArray() });
        await ClearRequestsAsync();
    }

    public Task ConfigureAsync(JsonObject config) => SendAsync(HttpMethod.Put, "config", config);

    public Task InjectAsync(params JsonObject[] faults) =>
        ConfigureAsync(new JsonObject { ["faults"] = new JsonArray([.. faults]) });

    public Task<JsonNode?> PostAsync(string path, JsonObject body) => SendAsync(HttpMethod.Post, path, body);

    public async Task ClearRequestsAsync()
    {
        using var response = await Control.DeleteAsync("requests");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The API requests the simulator saw (method, path, query, status, errorCode, time).</summary>
    public async Task<IReadOnlyList<LoggedRequest>> RequestsAsync()
    {
        var array = await Control.GetFromJsonAsync<JsonArray>("requests") ?? [];
        return [.. array.Select(n => new LoggedRequest(
            (string)n!["method"]!,
            (string)n["path"]!,
            (string?)n["query"],
            (int)n["status"]!,
            (string?)n["errorCode"],
            DateTimeOffset.Parse((string)n["time"]!, System.Globalization.CultureInfo.InvariantCulture)))];
    }

    /// <summary>
    /// A client wired exactly as the function app wires it, with its own rate-limiter registry; <paramref name="services"/>
    /// runs last (e.g. to add a handler under the client's own, between the rate limiter and the wire).
    /// </summary>
    public ClientScope CreateClient(
        Action<SakuraClientOptions>? configure = null, SakuraRateLimiterRegistry? registry = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton(registry ?? new SakuraRateLimiterRegistry());
        collection.AddSakuraClient(o =>
        {
            o.ApiRootUrl = Simulator.ApiRoot.AbsoluteUri;
            o.AccessToken = "test-token";
            o.AccessTokenSecret = "test-secret";
            o.Zone = "is1a";
            o.RequestsPerSecond = 1000;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
            o.Timeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        });
        services?.Invoke(collection);
        return new ClientScope(collection.BuildServiceProvider());
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await Control.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} /_sim/{path} answered {(int)response.StatusCode}: {text}");
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }
}

public sealed record LoggedRequest(string Method, string Path, string? Query, int Status, string? ErrorCode, DateTimeOffset Time);

/// <summary>A DI container holding one client; disposing it disposes the HTTP pipeline.</summary>
public sealed class ClientScope(ServiceProvider provider) : IDisposable
{
    public ISakuraCloud Cloud { get; } = provider.GetRequiredService<ISakuraCloud>();

    /// <summary>The raw routes under the boundary, for checks of the wire itself.</summary>
    internal ISakuraApi Api { get; } = provider.GetRequiredService<ISakuraApi>();

    public void Dispose() => provider.Dispose();
}
