using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace SakuraSim.Tests;

/// <summary>A response as a client sees it: status, parsed JSON body and the raw text.</summary>
internal sealed record ApiResult(HttpStatusCode Status, JsonNode? Body, string Raw)
{
    public JsonNode Json => Body ?? throw new InvalidOperationException($"No JSON body ({(int)Status}): {Raw}");

    public string? ErrorCode => Body?["error_code"]?.GetValue<string>();
}

/// <summary>
/// One simulator per test on a free loopback port, spoken to over raw HTTP with JSON written from the
/// API's documented wire format, never through the product's client: a misunderstanding shared by both
/// cannot pass.
/// </summary>
internal sealed class SimHarness : IAsyncDisposable
{
    public const string Token = "test-token";
    public const string Secret = "test-secret";

    // Default topology (docs/sakura-simulator.md): fixed because IDs come from one sequence.
    public const long RouterId = 112800000001;
    public const long SwitchId = 112800000002;
    public const long Worker01Id = 113100000003;

    private SimHarness(SakuraSimulator simulator, FakeTimeProvider? clock)
    {
        Simulator = simulator;
        Clock = clock;
        Http = new HttpClient { BaseAddress = simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public SakuraSimulator Simulator { get; }

    public FakeTimeProvider? Clock { get; }

    public HttpClient Http { get; }

    /// <summary>Starts with a fake clock, no rate limit and the default topology unless told otherwise.</summary>
    public static async Task<SimHarness> StartAsync(SakuraSimulatorOptions? options = null, bool fakeClock = true)
    {
        var clock = fakeClock ? new FakeTimeProvider(new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero)) : null;
        options ??= new SakuraSimulatorOptions { RateLimitPerSecond = 0 };
        if (clock is not null && options.TimeProvider is null)
        {
            options = options with { TimeProvider = clock };
        }

        var simulator = await SakuraSimulator.StartAsync(options);
        return new SimHarness(simulator, clock);
    }

    public static string ApiPath(string path, string zone = "is1a") => $"cloud/zone/{zone}/api/cloud/1.1{path}";

    public Task<ApiResult> GetAsync(string path, string zone = "is1a", bool bigint = false) =>
        SendAsync(HttpMethod.Get, path, null, zone, bigint);

    public async Task<ApiResult> SendAsync(
        HttpMethod method,
        string path,
        string? json = null,
        string zone = "is1a",
        bool bigint = false,
        (string Token, string Secret)? credentials = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, ApiPath(path, zone));
        var (token, secret) = credentials ?? (Token, Secret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token}:{secret}")));
        if (bigint)
        {
            request.Headers.Add("X-Sakura-Bigint-As-Int", "1");
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        return await ReadAsync(await Http.SendAsync(request));
    }

    /// <summary>A control endpoint under /_sim (no auth).</summary>
    public async Task<ApiResult> ControlAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await ReadAsync(await Http.SendAsync(request));
    }

    public static async Task<ApiResult> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var raw = await response.Content.ReadAsStringAsync();
            JsonNode? body = null;
            if (raw.Length > 0)
            {
                body = JsonNode.Parse(raw);
            }

            return new ApiResult(response.StatusCode, body, raw);
        }
    }

    public void Advance(TimeSpan by) => (Clock ?? throw new InvalidOperationException("No fake clock")).Advance(by);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Load-balancer request bodies, written by hand in the API's wire format.</summary>
internal static class Bodies
{
    /// <summary>
    /// A single LB (HA when <paramref name="ip2"/> is given), by default on the default router switch, as the
    /// Sakura cloud-controller-manager (libsacloud v1) sends it: string switch ID, string numbers. A null <paramref name="defaultRoute"/>
    /// leaves DefaultRoute out.
    /// </summary>
    public static string CreateLoadBalancer(
        string name = "a3f6c1d2e4b5a69788990aabbccddeef",
        string ip = "203.0.113.103",
        string vip = "203.0.113.104",
        string tags = "[\"@k8s\",\"@k8s.ClusterID=default\"]",
        string? settings = null,
        long switchId = SimHarness.SwitchId,
        int maskLen = 28,
        string? defaultRoute = "203.0.113.97",
        int vrid = 1,
        string? ip2 = null)
    {
        var route = defaultRoute is null ? "" : $",\"DefaultRoute\":\"{defaultRoute}\"";
        var servers = ip2 is null ? $"[{{\"IPAddress\":\"{ip}\"}}]" : $"[{{\"IPAddress\":\"{ip}\"}},{{\"IPAddress\":\"{ip2}\"}}]";
        return $$$"""
        {"Appliance":{
          "Class":"loadbalancer","Name":"{{{name}}}","Description":"","Tags":{{{tags}}},"Plan":{"ID":1},"Icon":null,
          "Remark":{"Switch":{"ID":"{{{switchId}}}"},"VRRP":{"VRID":{{{vrid}}}},
                    "Network":{"NetworkMaskLen":{{{maskLen}}}{{{route}}}},
                    "Servers":{{{servers}}},"Plan":{"ID":1}},
          "Settings":{{{settings ?? Settings(vip)}}}
        }}
        """;
    }

    public static string Settings(string vip = "203.0.113.104", string port = "80", string servers = """
        [{"IPAddress":"203.0.113.100","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"ping"}},
         {"IPAddress":"203.0.113.101","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"ping"}}]
        """) =>
        "{\"LoadBalancer\":[{\"VirtualIPAddress\":\"" + vip + "\",\"Port\":\"" + port
        + "\",\"DelayLoop\":\"10\",\"SorryServer\":\"\",\"Description\":\"\",\"Servers\":" + servers + "}]}";

    /// <summary><c>{"Appliance":{"Settings":...,"SettingsHash":...}}</c> as iaas-api-go sends a settings-only update.</summary>
    public static string UpdateSettings(string settings, string? hash = null) =>
        "{\"Appliance\":{\"Settings\":" + settings + (hash is null ? "" : ",\"SettingsHash\":\"" + hash + "\"") + "}}";

    /// <summary>
    /// <c>{"Appliance":{"Settings":...},"OriginalSettingsHash":...}</c>: the lock as Sakura's own SDK
    /// (saklient) sends it, at the top level next to <c>Appliance</c>.
    /// </summary>
    public static string UpdateSettingsLocked(string settings, string originalHash) =>
        "{\"Appliance\":{\"Settings\":" + settings + "},\"OriginalSettingsHash\":\"" + originalHash + "\"}";

    public static string Update(string appliance) => "{\"Appliance\":" + appliance + "}";
}
