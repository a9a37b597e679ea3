namespace SakuraSim.Tests;

/// <summary>The load balancer's create/update rules and the router block's reserved addresses.</summary>
public sealed class ValidationTests : SimulatorTests
{
    /// <summary>The default create body with one value replaced (null JSON = property removed).</summary>
    private static string With(string path, string? json, string? body = null)
    {
        var root = JsonNode.Parse(body ?? Bodies.CreateLoadBalancer())!;
        var segments = path.Split('.');
        JsonNode node = root;
        foreach (var segment in segments[..^1])
        {
            node = Step(node, segment);
        }

        var last = segments[^1];
        if (json is null)
        {
            node.AsObject().Remove(last);
        }
        else
        {
            node[last] = JsonNode.Parse(json);
        }

        return root.ToJsonString();
    }

    private static JsonNode Step(JsonNode node, string segment)
    {
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0)
        {
            return node[segment]!;
        }

        var index = int.Parse(segment[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        return node[segment[..bracket]]![index]!;
    }

    private const string Vip0 = "Appliance.Settings.LoadBalancer[0]";
    private const string Server0 = "Appliance.Settings.LoadBalancer[0].Servers[0]";

    public static TheoryData<string, string?, string> Rules => new()
    {
        { "Appliance.Class", null, "Class is required" },
        { "Appliance.Class", "\"vpcrouter\"", "not supported" },
        { "Appliance.Name", null, "Name is required" },
        { "Appliance.Name", "\"" + new string('n', 65) + "\"", "1 to 64 characters" },
        { "Appliance.Name", "\"\"", "1 to 64 characters" },
        { "Appliance.Description", "\"" + new string('d', 513) + "\"", "at most 512" },
        { "Appliance.Tags", "\"@k8s\"", "array of strings" },
        { "Appliance.Plan.ID", "3", "Plan.ID must be 1" },
        { "Appliance.Remark.Plan.ID", "2", "differ" },
        { "Appliance.Remark", null, "Remark is required" },
        { "Appliance.Remark.Switch", null, "Remark.Switch.ID is required" },
        { "Appliance.Remark.VRRP.VRID", "0", "between 1 and 255" },
        { "Appliance.Remark.VRRP.VRID", "256", "between 1 and 255" },
        { "Appliance.Remark.Network.NetworkMaskLen", "7", "between 8 and 29" },
        { "Appliance.Remark.Network.NetworkMaskLen", "30", "between 8 and 29" },
        { "Appliance.Remark.Network.DefaultRoute", "\"203.0.113\"", "DefaultRoute" },
        { "Appliance.Remark.Servers", "[]", "1 or 2 entries" },
        { "Appliance.Remark.Servers", """[{"IPAddress":"203.0.113.103"},{"IPAddress":"203.0.113.105"},{"IPAddress":"203.0.113.106"}]""", "1 or 2 entries" },
        { "Appliance.Remark.Servers", """[{"IPAddress":"203.0.113.103"},{"IPAddress":"203.0.113.103"}]""", "two different" },
        { "Appliance.Remark.Servers[0].IPAddress", "\"300.1.1.1\"", "not a valid IPv4" },
        { "Appliance.Settings.LoadBalancer", "{}", "must be an array" },
        { Vip0 + ".VirtualIPAddress", null, "VirtualIPAddress is required" },
        { Vip0 + ".VirtualIPAddress", "\"vip\"", "not a valid IPv4" },
        { Vip0 + ".VirtualIPAddress", "\"10.0.0.1\"", "outside the load balancer's network" },
        { Vip0 + ".Port", "\"0\"", "between 1 and 65535" },
        { Vip0 + ".Port", "\"65536\"", "between 1 and 65535" },
        { Vip0 + ".Port", null, "Port is required" },
        { Vip0 + ".DelayLoop", "\"9\"", "at least 10" },
        { Vip0 + ".SorryServer", "\"sorry\"", "SorryServer" },
        { Server0 + ".IPAddress", "\"x\"", "not a valid IPv4" },
        { Server0 + ".Port", "\"http\"", "between 1 and 65535" },
        { Server0 + ".Enabled", "\"yes\"", "Enabled" },
        { Server0 + ".HealthCheck", null, "HealthCheck is required" },
        { Server0 + ".HealthCheck.Protocol", "\"udp\"", "not one of http, https, tcp, ping" },
        { Server0 + ".HealthCheck", """{"Protocol":"http","Status":"200"}""", "Path is required for protocol http" },
        { Server0 + ".HealthCheck", """{"Protocol":"https","Path":"/"}""", "ヘルスチェックのステータスコード()が不正です" },
        { Server0 + ".HealthCheck", """{"Protocol":"http","Path":"/","Status":"ok"}""", "ステータスコード" },
        { Server0 + ".HealthCheck", """{"Protocol":"tcp","Retry":"6"}""", "Retry must be between 1 and 5" },
        { Server0 + ".HealthCheck", """{"Protocol":"tcp","ConnectTimeout":"31"}""", "ConnectTimeout must be between 1 and 30" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Create_BreakingARule_Gets400WithTheReasonOnItsOwnLine(string path, string? json, string expected)
    {
        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", With(path, json)), HttpStatusCode.BadRequest, "bad_request");

        var lines = message.Split('\n');
        Assert.StartsWith("不適切な要求です", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines.Skip(1), l => l.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_WithSeveralProblems_ListsThemAll()
    {
        var body = With("Appliance.Name", "\"\"", With("Appliance.Remark.VRRP.VRID", "0"));

        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Equal(3, message.Split('\n').Length);
    }

    [Fact]
    public async Task Create_WithDuplicateVipAndPort_Gets400()
    {
        var vip = """{"VirtualIPAddress":"203.0.113.104","Port":"80","Servers":[]}""";

        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", With("Appliance.Settings.LoadBalancer", $"[{vip},{vip}]")),
            HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains("more than once", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, 40, HttpStatusCode.Created)]
    [InlineData(11, 1, HttpStatusCode.BadRequest)]
    [InlineData(1, 41, HttpStatusCode.BadRequest)]
    public async Task Create_VipAndServerLimits_DefaultTo10And40(int vips, int serversPerVip, HttpStatusCode expected)
    {
        var result = await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(settings: ManyVips(vips, serversPerVip)));

        Assert.Equal(expected, result.Status);
        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.Contains("at most", AssertError(result, expected, "bad_request"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Limits_AreConfigurable_ByOptionsAndControlEndpoint()
    {
        await using var strict = await SimHarness.StartAsync(new SakuraSimulatorOptions { MaxVipsPerLoadBalancer = 2, MaxServersPerVip = 3, RateLimitPerSecond = 0 });

        AssertError(await strict.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(settings: ManyVips(3, 1))), HttpStatusCode.BadRequest, "bad_request");
        AssertError(await strict.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(settings: ManyVips(1, 4))), HttpStatusCode.BadRequest, "bad_request");

        AssertOk(await strict.ControlAsync(HttpMethod.Put, "/_sim/config", """{"maxVipsPerLoadBalancer":20,"maxServersPerVip":40}"""));
        AssertOk(await strict.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(settings: ManyVips(20, 4))), HttpStatusCode.Created);
    }

    private static string ManyVips(int vips, int serversPerVip)
    {
        var servers = string.Join(",", Enumerable.Range(0, serversPerVip).Select(i =>
            "{\"IPAddress\":\"10.1." + (i / 250) + "." + ((i % 250) + 1) + "\",\"Port\":\"80\",\"HealthCheck\":{\"Protocol\":\"ping\"}}"));
        var entries = Enumerable.Range(0, vips).Select(i =>
            $$"""{"VirtualIPAddress":"203.0.113.104","Port":"{{8000 + i}}","Servers":[{{servers}}]}""");
        return "{\"LoadBalancer\":[" + string.Join(",", entries) + "]}";
    }

    [Theory]
    [InlineData("203.0.113.96", "network address")]
    [InlineData("203.0.113.97", "default gateway")]
    [InlineData("203.0.113.98", "router (primary)")]
    [InlineData("203.0.113.99", "router (secondary)")]
    [InlineData("203.0.113.111", "broadcast address")]
    public async Task Create_OnReservedAddressOfRouterBlock_Gets400(string ip, string role)
    {
        // A /24 without a gateway: the LB's own network rules let these addresses through, the router's do not.
        var body = Bodies.CreateLoadBalancer(ip: ip, maskLen: 24, defaultRoute: null);

        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains($"IP address {ip} is reserved in block 203.0.113.96/28 ({role})", message, StringComparison.Ordinal);
        Assert.Contains("203.0.113.100-203.0.113.110", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithVipOnGateway_Gets400()
    {
        var body = Bodies.CreateLoadBalancer(vip: "203.0.113.97", maskLen: 24, defaultRoute: null);

        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains("203.0.113.97 is reserved", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OutsideRouterBlock_Gets400()
    {
        var body = Bodies.CreateLoadBalancer(ip: "198.51.100.10", vip: "198.51.100.11", defaultRoute: null);

        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains("outside the block 203.0.113.96/28", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OnPlainSwitch_AcceptsPrivateAddresses()
    {
        var sw = await Sim.ControlAsync(HttpMethod.Post, "/_sim/switches", """{"name":"private","userSubnet":{"defaultRoute":"192.168.0.1","networkMaskLen":24}}""");
        AssertOk(sw, HttpStatusCode.Created);
        var switchId = sw.Json["ID"]!.GetValue<long>();
        var body = Bodies.CreateLoadBalancer(ip: "192.168.0.11", vip: "192.168.0.12", switchId: switchId, maskLen: 24, defaultRoute: "192.168.0.1");

        AssertOk(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Create_OnUnknownSwitch_Gets404()
    {
        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", With("Appliance.Remark.Switch.ID", "\"112899999999\"")),
            HttpStatusCode.NotFound, "not_found");

        Assert.Contains("112899999999", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IpClash_IsAllowedByDefault_AndRejectedWhenTheCheckIsOn()
    {
        // 203.0.113.100 is worker01's NIC.
        AssertOk(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(ip: "203.0.113.100", vip: "203.0.113.105")), HttpStatusCode.Created);

        AssertOk(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"ipClashCheck":true}"""));
        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(name: "other", ip: "203.0.113.106", vip: "203.0.113.105")),
            HttpStatusCode.BadRequest, "bad_request");
        Assert.Contains("203.0.113.105 is already used by appliance", message, StringComparison.Ordinal);
        var own = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(name: "self", ip: "203.0.113.107", vip: "203.0.113.107")),
            HttpStatusCode.BadRequest, "bad_request");
        Assert.Contains("also an address of the load balancer itself", own, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"Appliance\":")]
    [InlineData("not json at all")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"Appliance\":[]}")]
    [InlineData("")]
    public async Task Create_WithMalformedOrShapelessBody_Gets400(string body)
    {
        AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [InlineData("PUT", "/appliance/113200000999", "{\"Appliance\":{}}")]
    [InlineData("DELETE", "/appliance/113200000999", null)]
    [InlineData("PUT", "/appliance/113200000999/config", null)]
    [InlineData("PUT", "/appliance/113200000999/power", null)]
    [InlineData("DELETE", "/appliance/113200000999/power", null)]
    [InlineData("PUT", "/appliance/113200000999/reset", null)]
    [InlineData("GET", "/appliance/113200000999/power", null)]
    [InlineData("GET", "/appliance/not-a-number", null)]
    public async Task Operation_OnUnknownAppliance_Gets404(string method, string path, string? body)
    {
        AssertError(await Sim.SendAsync(new HttpMethod(method), path, body), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Update_WithMalformedJson_Gets400()
    {
        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        Sim.Advance(TimeSpan.FromMinutes(2));

        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", "{\"Appliance\":{\"Name\":}"), HttpStatusCode.BadRequest, "bad_request");
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings("""{"LoadBalancer":[{"VirtualIPAddress":"203.0.113.97","Port":"80"}]}""")),
            HttpStatusCode.BadRequest, "bad_request");
    }
}
