using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SakuraLb.Functions.Storage;
using SakuraLb.Model.Signing;
using SakuraSim;
using Sandbox;
using Sandbox.Functions;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>One function app on the local host (and a simulator behind it) for the tests of a class.</summary>
public sealed class LocalFunctionHostFixture : IAsyncLifetime
{
    public const string Key = "local-function-key";
    public const string Secret = "local-hmac-secret-0123456789abcdef0123456789";

    public SakuraSimulator Simulator { get; private set; } = null!;

    public LocalFunctionHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Simulator = await SakuraSimulator.StartAsync(new SakuraSimulatorOptions { TimeScale = 0, RateLimitPerSecond = 0 });
        Host = await LocalFunctionHost.StartAsync(new LocalFunctionHostOptions
        {
            FunctionKey = Key,
            Settings = SandboxSystem.FunctionSettings(new SandboxOptions(), Simulator.ApiRoot, Secret),
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

/// <summary>The function app's HTTP functions served by the local host, over real loopback HTTP.</summary>
public sealed class LocalFunctionHostTests(LocalFunctionHostFixture fixture) : IClassFixture<LocalFunctionHostFixture>, IDisposable
{
    private const string Key = LocalFunctionHostFixture.Key;
    private const string Secret = LocalFunctionHostFixture.Secret;

    private readonly HttpClient http = new() { BaseAddress = fixture.Host.BaseAddress };

    public void Dispose() => http.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Status_WithoutTheFunctionKey_Is401BeforeTheFunctionRuns(string? key)
    {
        using var request = Signed(HttpMethod.Get, "/api/status", "");
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Status_KeyButNoSignature_IsTheFunctionsOwn401Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Add("x-functions-key", Key);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Status_SignedWithKeyInHeaderOrQuery_AnswersTheFeedWithAnETag(bool keyInQuery)
    {
        using var request = Signed(HttpMethod.Get, "/api/status", "", keyInQuery ? "?code=" + Key : "");
        if (!keyInQuery)
        {
            request.Headers.Add("x-functions-key", Key);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var feed = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(SandboxSystem.ClusterId, feed["clusterId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_SameETagAgain_Is304()
    {
        using var first = Signed(HttpMethod.Get, "/api/status", "", keyHeader: true);
        using var firstResponse = await http.SendAsync(first);
        using var second = Signed(HttpMethod.Get, "/api/status", "", keyHeader: true);
        second.Headers.IfNoneMatch.Add(firstResponse.Headers.ETag!);

        using var response = await http.SendAsync(second);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Events_SignedBatchWithNodes_Is202AndStored()
    {
        var body = $$"""
            {"version":1,"clusterId":"{{SandboxSystem.ClusterId}}","sentAt":"{{DateTimeOffset.UtcNow:O}}","services":[],
             "nodes":{"resourceVersion":"5","complete":true,"nodes":[{"name":"worker01","uid":"u1","resourceVersion":"4",
               "addresses":[{"type":"InternalIP","address":"203.0.113.100"}],"labels":{},"taints":[],"unschedulable":false}]} }
            """;
        using var request = Signed(HttpMethod.Post, "/api/events", body, keyHeader: true);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["nodesAccepted"]!.GetValue<bool>());
        var stored = await fixture.Host.Services.GetRequiredService<INodeSetStore>().GetAsync(SandboxSystem.ClusterId, CancellationToken.None);
        Assert.Equal(["worker01"], stored?.Snapshot.Nodes.Select(n => n.Name));
    }

    [Fact]
    public async Task Events_BadJson_Is400ProblemWithoutStackTrace()
    {
        using var request = Signed(HttpMethod.Post, "/api/events", "{\"version\":", keyHeader: true);

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/events", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/api/status", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/api/nothing", HttpStatusCode.NotFound)]
    [InlineData("GET", "/events", HttpStatusCode.NotFound)]
    public async Task UnknownRouteOrMethod_IsRefused(string method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("x-functions-key", Key);

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task RunTimersAsync_AgainstTheSimulator_RunsTheResyncTimer()
    {
        var before = await ClusterLoadBalancerSearchesAsync();

        await fixture.Host.RunTimersAsync(CancellationToken.None);

        // The timer's pass always reads the cluster's load balancers (orphan collection), even with no Service.
        var after = await ClusterLoadBalancerSearchesAsync();
        Assert.True(after > before, $"no load-balancer search reached the simulator ({before} before, {after} after)");
    }

    [Fact]
    public async Task StartAsync_InvalidSettings_ListsEveryProblem()
    {
        var settings = new Dictionary<string, string?>(SandboxSystem.FunctionSettings(new SandboxOptions(), fixture.Simulator.ApiRoot, "short"))
        {
            ["Controller:ClusterId"] = "",
        };

        var ex = await Assert.ThrowsAsync<FunctionSettingsException>(() =>
            LocalFunctionHost.StartAsync(new LocalFunctionHostOptions { FunctionKey = Key, Settings = settings }));

        Assert.Contains("Ingest:HmacSecret must be at least 32 characters, got 5.", ex.Problems);
        Assert.Contains("Controller:ClusterId is required.", ex.Problems);
    }

    [Theory]
    [InlineData("Reconcile:PollInterval", "abc", "System.TimeSpan")]
    [InlineData("Reconcile:MaxPasses", "x", "System.Int32")]
    [InlineData("Controller:DefaultHighAvailability", "maybe", "System.Boolean")]
    [InlineData("Storage:Mode", "Bogus", "SakuraLb.Functions.Options.StorageMode")]
    public async Task StartAsync_SettingOfTheWrongType_NamesTheSettingAndItsValue(string key, string value, string type)
    {
        var settings = new Dictionary<string, string?>(SandboxSystem.FunctionSettings(new SandboxOptions(), fixture.Simulator.ApiRoot, Secret))
        {
            [key] = value,
        };

        var ex = await Assert.ThrowsAsync<FunctionSettingsException>(() =>
            LocalFunctionHost.StartAsync(new LocalFunctionHostOptions { FunctionKey = Key, Settings = settings }));

        var problem = Assert.Single(ex.Problems);
        Assert.Contains($"'{value}' at '{key}' to type '{type}'", problem, StringComparison.Ordinal);
    }

    /// <summary>How many load-balancer searches (GET /appliance) the simulator has answered since it started.</summary>
    private async Task<int> ClusterLoadBalancerSearchesAsync()
    {
        using var sim = new HttpClient { BaseAddress = fixture.Simulator.BaseAddress };
        var log = JsonNode.Parse(await sim.GetStringAsync("_sim/requests"))!.AsArray();
        return log.Count(r => r!["method"]!.GetValue<string>() == "GET" && r["path"]!.GetValue<string>() == "/appliance");
    }

    private static HttpRequestMessage Signed(HttpMethod method, string path, string body, string query = "", bool keyHeader = false)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(method, path + query);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = RequestSignature.NewNonce();
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        // Signed as a relay of the previous release does (v1): the host must still accept it while Ingest:AcceptSignatureV1 is on (the default).
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.SignV1(Encoding.UTF8.GetBytes(Secret), timestamp, nonce, method.Method, path, bytes));
        if (keyHeader)
        {
            request.Headers.Add("x-functions-key", Key);
        }

        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        return request;
    }
}
