namespace SakuraSim.Tests;

/// <summary>
/// A private load balancer on a plain switch: what a client reads for the switch,
/// workers joined by a second NIC, and the network rules of an LB's own addresses.
/// </summary>
public sealed class PlainSwitchTests : SimulatorTests
{
    private long plain;

    private protected override async Task PrepareAsync()
    {
        var sw = await Sim.ControlAsync(HttpMethod.Post, "/_sim/switches",
            """{"name":"k8s-private","tags":["@k8s.private"],"userSubnet":{"defaultRoute":"192.168.0.1","networkMaskLen":24}}""");
        AssertOk(sw, HttpStatusCode.Created);
        plain = sw.Json["ID"]!.GetValue<long>();
    }

    /// <summary>worker01..03 get a second NIC on the plain switch at 192.168.0.11..13.</summary>
    private async Task JoinWorkersAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            AssertOk(await Sim.ControlAsync(HttpMethod.Post, $"/_sim/servers/{SimHarness.Worker01Id + (2 * i)}/interfaces",
                $$"""{"switchId":{{plain}},"ipAddress":"192.168.0.{{11 + i}}"}"""), HttpStatusCode.Created);
        }
    }

    private static string PrivateSettings(string vip = "192.168.0.22") => Bodies.Settings(vip: vip, servers: """
        [{"IPAddress":"192.168.0.11","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"tcp"}},
         {"IPAddress":"192.168.0.12","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"tcp"}},
         {"IPAddress":"203.0.113.100","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"tcp"}}]
        """);

    private string PrivateLb(string ip = "192.168.0.21", string vip = "192.168.0.22", string? defaultRoute = "192.168.0.1", int maskLen = 24, string? ip2 = null, int vrid = 1) =>
        Bodies.CreateLoadBalancer(name: "private-lb", ip: ip, vip: vip, settings: PrivateSettings(vip), switchId: plain, maskLen: maskLen, defaultRoute: defaultRoute, vrid: vrid, ip2: ip2);

    [Fact]
    public async Task PlainSwitch_ReadsWithoutRouterOrSubnets_WithItsUserSubnetAndCounts()
    {
        var sw = (await Sim.GetAsync($"/switch/{plain}", bigint: true)).Json["Switch"]!.AsObject();

        Assert.Equal("k8s-private", Str(sw["Name"]));
        Assert.Equal("user", Str(sw["Scope"]));
        Assert.Null(sw["Internet"]);
        Assert.Empty(sw["Subnets"]!.AsArray());
        Assert.Equal("192.168.0.1", Str(sw["UserSubnet"]!["DefaultRoute"]));
        Assert.Equal(24, sw["UserSubnet"]!["NetworkMaskLen"]!.GetValue<int>());
        Assert.Equal(0, sw["ServerCount"]!.GetValue<int>());
        Assert.Equal(0, sw["ApplianceCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task PlainSwitch_IsFoundByItsTags_AndTheRouterSwitchIsNot()
    {
        var found = await Sim.GetAsync("""/switch?{"Filter":{"Tags.Name":[["@k8s.private"]]}}""", bigint: true);

        Assert.Equal([plain], found.Json["Switches"]!.AsArray().Select(s => s!["ID"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData("""{"name":"bare"}""", null, null)]
    [InlineData("""{"name":"mask-only","userSubnet":{"networkMaskLen":16}}""", "0.0.0.0", 16)]
    public async Task PlainSwitch_WithoutAUserSubnetOrItsGateway_ReadsAsTheApiShowsIt(string body, string? route, int? mask)
    {
        var id = (await Sim.ControlAsync(HttpMethod.Post, "/_sim/switches", body)).Json["ID"]!.GetValue<long>();

        var userSubnet = (await Sim.GetAsync($"/switch/{id}")).Json["Switch"]!["UserSubnet"];

        Assert.Equal(route, userSubnet?["DefaultRoute"]?.GetValue<string>());
        Assert.Equal(mask, userSubnet?["NetworkMaskLen"]?.GetValue<int>());
    }

    [Fact]
    public async Task Workers_OnASecondNic_AreCountedAndListedOnThePlainSwitch()
    {
        await JoinWorkersAsync();

        Assert.Equal(3, (await Sim.GetAsync($"/switch/{plain}")).Json["Switch"]!["ServerCount"]!.GetValue<int>());
        var servers = (await Sim.GetAsync($"/switch/{plain}/server")).Json["Servers"]!.AsArray();
        Assert.Equal(["worker01", "worker02", "worker03"], servers.Select(s => Str(s!["Name"])));
        var second = servers[0]!["Interfaces"]![1]!;
        Assert.Equal("192.168.0.11", Str(second["UserIPAddress"]));
        Assert.Null(second["Switch"]!["Subnet"]);
        Assert.Equal("192.168.0.1", Str(second["Switch"]!["UserSubnet"]!["DefaultRoute"]));
    }

    [Fact]
    public async Task PrivateLoadBalancer_OnThePlainSwitch_ComesUp_AndReachesOnlyServersOnThatSwitch()
    {
        await JoinWorkersAsync();

        var created = await Sim.SendAsync(HttpMethod.Post, "/appliance", PrivateLb(), bigint: true);
        AssertOk(created, HttpStatusCode.Created);
        var id = CreatedId(created);
        Sim.Advance(TimeSpan.FromMinutes(2));

        var lb = (await Sim.GetAsync($"/appliance/{id}", bigint: true)).Json["Appliance"]!;
        Assert.Equal(plain, lb["Switch"]!["ID"]!.GetValue<long>());
        Assert.Null(lb["Switch"]!["Internet"]);
        Assert.Equal(plain, lb["Interfaces"]![0]!["Switch"]!["ID"]!.GetValue<long>());
        Assert.Null(lb["Interfaces"]![0]!["Switch"]!["Subnet"]);
        Assert.Equal("192.168.0.21", Str(lb["Interfaces"]![0]!["UserIPAddress"]));
        Assert.Equal(1, (await Sim.GetAsync($"/switch/{plain}")).Json["Switch"]!["ApplianceCount"]!.GetValue<int>());
        Assert.Equal(0, (await Sim.GetAsync($"/switch/{SimHarness.SwitchId}")).Json["Switch"]!["ApplianceCount"]!.GetValue<int>());
        Assert.Single((await Sim.GetAsync($"/switch/{plain}/appliance")).Json["Appliances"]!.AsArray());

        var servers = (await Sim.GetAsync($"/appliance/{id}/status")).Json["LoadBalancer"]![0]!["Servers"]!.AsArray();
        // 203.0.113.100 is worker01's address on the router switch: not on the LB's segment, so DOWN.
        Assert.Equal(["UP", "UP", "DOWN"], servers.Select(s => Str(s!["Status"])));
    }

    [Fact]
    public async Task HaPair_InsideTheNetwork_IsAccepted()
    {
        AssertOk(await Sim.SendAsync(HttpMethod.Post, "/appliance", PrivateLb(ip2: "192.168.0.20", vrid: 200)), HttpStatusCode.Created);
    }

    [Fact]
    public async Task LoadBalancer_WithoutADefaultRoute_IsAccepted()
    {
        var created = await Sim.SendAsync(HttpMethod.Post, "/appliance", PrivateLb(defaultRoute: null));

        AssertOk(created, HttpStatusCode.Created);
        Assert.Null(created.Json["Appliance"]!["Remark"]!["Network"]!["DefaultRoute"]);
    }

    public static TheoryData<string, string?, string?, int, string?, int, string> NetworkRules => new()
    {
        // ip, vip (null = default), default route, mask, ip2, vrid, expected line
        { "192.168.0.21", null, "192.168.0.1", 24, "192.168.1.20", 1, "Remark.Servers[1].IPAddress 192.168.1.20 is outside the load balancer's network 192.168.0.0/24" },
        { "192.168.0.21", null, "192.168.1.1", 24, null, 1, "Remark.Network.DefaultRoute 192.168.1.1 is outside the load balancer's network 192.168.0.0/24" },
        { "192.168.0.0", null, "192.168.0.1", 24, null, 1, "Remark.Servers[0].IPAddress 192.168.0.0 is the network address of 192.168.0.0/24" },
        { "192.168.0.255", null, "192.168.0.1", 24, null, 1, "Remark.Servers[0].IPAddress 192.168.0.255 is the broadcast address of 192.168.0.0/24" },
        { "192.168.0.21", null, "192.168.0.21", 24, null, 1, "Remark.Network.DefaultRoute 192.168.0.21 is also an address of the load balancer itself" },
        { "192.168.0.21", null, "192.168.0.255", 24, null, 1, "Remark.Network.DefaultRoute 192.168.0.255 is the broadcast address of 192.168.0.0/24" },
        { "192.168.0.21", "192.168.0.1", "192.168.0.1", 24, null, 1, "VirtualIPAddress 192.168.0.1 is the default route 192.168.0.1 of 192.168.0.0/24" },
        { "192.168.0.21", "192.168.0.0", "192.168.0.1", 24, null, 1, "VirtualIPAddress 192.168.0.0 is the network address of 192.168.0.0/24" },
        { "192.168.0.21", "192.168.1.22", "192.168.0.1", 24, null, 1, "VirtualIPAddress 192.168.1.22 is outside the load balancer's network 192.168.0.0/24" },
        { "192.168.0.21", "192.168.0.22", "192.168.0.1", 30, null, 1, "Remark.Network.NetworkMaskLen must be between 8 and 29" },
        { "192.168.0.21", "192.168.0.22", "192.168.0.1", 24, null, 0, "Remark.VRRP.VRID must be between 1 and 255" },
    };

    [Theory]
    [MemberData(nameof(NetworkRules))]
    public async Task LoadBalancer_WhoseAddressesDoNotFitItsNetwork_Gets400(string ip, string? vip, string? route, int mask, string? ip2, int vrid, string expected)
    {
        var body = PrivateLb(ip: ip, vip: vip ?? "192.168.0.22", defaultRoute: route, maskLen: mask, ip2: ip2, vrid: vrid);

        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains(message.Split('\n'), l => l.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VipUpdate_ThatDoesNotFitTheNetwork_Gets400()
    {
        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", PrivateLb()));
        Sim.Advance(TimeSpan.FromMinutes(2));

        var message = AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(PrivateSettings("192.168.0.1"))),
            HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains("is the default route", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadBalancer_OnTheSharedSegment_Gets400()
    {
        var server = await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", """{"name":"web","sharedSegment":true}""");
        var shared = server.Json["Interfaces"]![0]!["Switch"]!["ID"]!.GetValue<long>();

        var body = Bodies.CreateLoadBalancer(ip: "100.127.1.30", vip: "100.127.1.31", switchId: shared, maskLen: 24, defaultRoute: "100.127.1.1");
        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains("shared segment", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IpClashCheck_OnThePlainSwitch_SeesSecondNics()
    {
        await JoinWorkersAsync();
        AssertOk(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"ipClashCheck":true}"""));

        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", PrivateLb(ip: "192.168.0.12")), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains("192.168.0.12 is already used by server", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_SeeTheWorkersSecondNics_AndTheLoadBalancer()
    {
        await JoinWorkersAsync();
        AssertOk(await Sim.SendAsync(HttpMethod.Post, "/appliance", PrivateLb()), HttpStatusCode.Created);

        var sw = (await Sim.GetAsync($"/switch/{plain}")).Json["Switch"]!;

        Assert.Equal(3, sw["ServerCount"]!.GetValue<int>());
        Assert.Equal(1, sw["ApplianceCount"]!.GetValue<int>());
        Assert.IsType<JsonArray>(sw["Subnets"]);
    }
}
