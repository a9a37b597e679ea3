using System.Text.Json;

namespace SakuraSim.Tests;

/// <summary>Envelopes, keys and value types of every route.</summary>
public sealed class EnvelopeTests : SimulatorTests
{
    [Theory]
    [InlineData("/internet", "Internet", 1)]
    [InlineData("/switch", "Switches", 1)]
    [InlineData("/subnet", "Subnets", 1)]
    [InlineData("/ipaddress", "IPAddress", 11)]
    [InlineData("/server", "Servers", 3)]
    [InlineData("/appliance", "Appliances", 0)]
    [InlineData("/switch/112800000002/server", "Servers", 3)]
    [InlineData("/switch/112800000002/appliance", "Appliances", 0)]
    public async Task Find_ReturnsListEnvelopeWithItsOddKey(string path, string key, int expected)
    {
        var result = await Sim.GetAsync(path);

        AssertOk(result);
        var body = result.Json.AsObject();
        Assert.Equal(expected, body["Total"]!.GetValue<int>());
        Assert.Equal(0, body["From"]!.GetValue<int>());
        Assert.Equal(expected, body["Count"]!.GetValue<int>());
        Assert.Equal(expected, body[key]!.AsArray().Count);
        Assert.True(body["is_ok"]!.GetValue<bool>());
        Assert.NotNull(body["ResponsedAt"]);
    }

    [Theory]
    [InlineData("/internet/112800000001", "Internet")]
    [InlineData("/switch/112800000002", "Switch")]
    [InlineData("/subnet/3981", "Subnet")]
    [InlineData("/ipaddress/203.0.113.100", "IPAddress")]
    [InlineData("/server/113100000003", "Server")]
    public async Task Read_ReturnsSingularEnvelope(string path, string key)
    {
        var result = await Sim.GetAsync(path);

        AssertOk(result);
        Assert.IsType<JsonObject>(result.Json[key]);
        Assert.True(result.Json["is_ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Ids_WithoutBigintHeader_AreStrings_AndWithIt_AreNumbers()
    {
        var asStrings = await Sim.GetAsync("/switch/112800000002");
        var asNumbers = await Sim.GetAsync("/switch/112800000002", bigint: true);

        Assert.Equal(JsonValueKind.String, asStrings.Json["Switch"]!["ID"]!.GetValueKind());
        Assert.Equal("112800000002", Str(asStrings.Json["Switch"]!["ID"]));
        Assert.Equal(JsonValueKind.String, asStrings.Json["Switch"]!["Subnets"]![0]!["Internet"]!["ID"]!.GetValueKind());
        Assert.Equal(112800000002, asNumbers.Json["Switch"]!["ID"]!.GetValue<long>());
        // Small IDs (zone, subnet) are plain integers either way.
        Assert.Equal(31001, asStrings.Json["Switch"]!["Zone"]!["ID"]!.GetValue<int>());
        Assert.Equal(3981, asStrings.Json["Switch"]!["Subnets"]![0]!["ID"]!.GetValue<int>());
    }

    [Fact]
    public async Task Internet_HasReducedSwitchView_AndSwitchHasAssignableRangeObject()
    {
        var internet = (await Sim.GetAsync("/internet/112800000001", bigint: true)).Json["Internet"]!;
        var sw = (await Sim.GetAsync("/switch/112800000002", bigint: true)).Json["Switch"]!;

        Assert.Equal("k8s-router", Str(internet["Name"]));
        Assert.Equal(28, internet["NetworkMaskLen"]!.GetValue<int>());
        Assert.Equal(100, internet["BandWidthMbps"]!.GetValue<int>());
        Assert.Equal("cloud/internet/router/100m", Str(internet["ServiceClass"]));
        Assert.Equal(112800000002, internet["Switch"]!["ID"]!.GetValue<long>());
        var reduced = internet["Switch"]!["Subnets"]![0]!.AsObject();
        Assert.Equal("203.0.113.96", Str(reduced["NetworkAddress"]));
        Assert.Equal("203.0.113.97", Str(reduced["DefaultRoute"]));
        Assert.False(reduced.ContainsKey("IPAddresses"));

        var subnet = sw["Subnets"]![0]!;
        Assert.Equal("203.0.113.100", Str(subnet["IPAddresses"]!["Min"]));
        Assert.Equal("203.0.113.110", Str(subnet["IPAddresses"]!["Max"]));
        Assert.Equal("cloud/global-ipaddress-v4/28", Str(subnet["ServiceClass"]));
        Assert.Equal(112800000001, sw["Internet"]!["ID"]!.GetValue<long>());
        Assert.Equal(3, sw["ServerCount"]!.GetValue<int>());
        Assert.Equal("user", Str(sw["Scope"]));
    }

    [Fact]
    public async Task Subnet_ListsAssignableAddressesAsArray()
    {
        var subnet = (await Sim.GetAsync("/subnet/3981", bigint: true)).Json["Subnet"]!;

        var addresses = subnet["IPAddresses"]!.AsArray().Select(a => Str(a!["IPAddress"])).ToList();
        Assert.Equal(11, addresses.Count);
        Assert.Equal("203.0.113.100", addresses[0]);
        Assert.Equal("203.0.113.110", addresses[^1]);
        Assert.Equal(112800000002, subnet["Switch"]!["ID"]!.GetValue<long>());
        Assert.Equal(112800000001, subnet["Switch"]!["Internet"]!["ID"]!.GetValue<long>());
    }

    [Fact]
    public async Task IpAddress_OfServerNic_NamesTheInterface_AndFreeOneHasNone()
    {
        var used = (await Sim.GetAsync("/ipaddress/203.0.113.100", bigint: true)).Json["IPAddress"]!;
        var free = (await Sim.GetAsync("/ipaddress/203.0.113.105", bigint: true)).Json["IPAddress"]!;

        Assert.Equal(113100000004, used["Interface"]!["ID"]!.GetValue<long>());
        Assert.Equal(3981, used["Subnet"]!["ID"]!.GetValue<int>());
        Assert.Null(free["Interface"]);
        AssertError(await Sim.GetAsync("/ipaddress/203.0.113.97"), HttpStatusCode.NotFound, "not_found");
        AssertError(await Sim.GetAsync("/ipaddress/not-an-ip"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Server_HasNicOnRouterSwitch_WithSubnetAndUserSubnet()
    {
        var server = (await Sim.GetAsync("/server/113100000003", bigint: true)).Json["Server"]!;

        Assert.Equal("worker01", Str(server["Name"]));
        Assert.Equal("up", Str(server["Instance"]!["Status"]));
        Assert.Equal("cloud/plan/2core-4gb", Str(server["ServerPlan"]!["ServiceClass"]));
        var nic = server["Interfaces"]![0]!;
        Assert.Null(nic["IPAddress"]);
        Assert.Equal("203.0.113.100", Str(nic["UserIPAddress"]));
        Assert.Matches("^([0-9A-F]{2}:){5}[0-9A-F]{2}$", Str(nic["MACAddress"]));
        Assert.Equal(112800000002, nic["Switch"]!["ID"]!.GetValue<long>());
        Assert.Equal("203.0.113.96", Str(nic["Switch"]!["Subnet"]!["NetworkAddress"]));
        Assert.Equal(100, nic["Switch"]!["Subnet"]!["Internet"]!["BandWidthMbps"]!.GetValue<int>());
        Assert.Equal(28, nic["Switch"]!["UserSubnet"]!["NetworkMaskLen"]!.GetValue<int>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$", Str(server["CreatedAt"]));
    }

    [Fact]
    public async Task Appliance_HasRealShape_StringNumbersAndFlags_AndTopLevelSwitchId()
    {
        var created = await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(), bigint: true);

        AssertOk(created, HttpStatusCode.Created);
        Assert.Equal("Accepted", Str(created.Json["Success"]));
        Assert.True(created.Json["is_ok"]!.GetValue<bool>());
        var lb = created.Json["Appliance"]!;
        Assert.Matches("^[0-9]{12}$", lb["ID"]!.ToJsonString());
        Assert.Equal("loadbalancer", Str(lb["Class"]));
        Assert.Equal("cloud/appliance/loadbalancer/1", Str(lb["ServiceClass"]));
        Assert.Equal(1, lb["Plan"]!["ID"]!.GetValue<int>());
        Assert.Equal(SimHarness.SwitchId, lb["Switch"]!["ID"]!.GetValue<long>());
        // Remark.Switch.ID stays a string even with the bigint header.
        Assert.Equal(JsonValueKind.String, lb["Remark"]!["Switch"]!["ID"]!.GetValueKind());
        Assert.Equal(1, lb["Remark"]!["VRRP"]!["VRID"]!.GetValue<int>());
        Assert.Equal("203.0.113.103", Str(lb["Remark"]!["Servers"]![0]!["IPAddress"]));
        Assert.Equal("203.0.113.103", Str(lb["Interfaces"]![0]!["UserIPAddress"]));
        Assert.Equal(SimHarness.SwitchId, lb["Interfaces"]![0]!["Switch"]!["ID"]!.GetValue<long>());
        var vip = lb["Settings"]!["LoadBalancer"]![0]!;
        Assert.Equal(JsonValueKind.String, vip["Port"]!.GetValueKind());
        Assert.Equal("10", Str(vip["DelayLoop"]));
        Assert.Equal("True", Str(vip["Servers"]![0]!["Enabled"]));
        Assert.Equal("80", Str(vip["Servers"]![0]!["Port"]));
        Assert.Equal("ping", Str(vip["Servers"]![0]!["HealthCheck"]!["Protocol"]));
        Assert.Matches("^[0-9a-f]{32}$", Str(lb["SettingsHash"]));
        Assert.Equal(new[] { "@k8s", "@k8s.ClusterID=default" }, lb["Tags"]!.AsArray().Select(Str));
    }

    [Fact]
    public async Task Appliance_IdsSentAsNumbers_AreAcceptedLikeStrings()
    {
        var body = Bodies.CreateLoadBalancer().Replace($"\"{SimHarness.SwitchId}\"", SimHarness.SwitchId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var created = await Sim.SendAsync(HttpMethod.Post, "/appliance", body);

        AssertOk(created, HttpStatusCode.Created);
        Assert.Equal(SimHarness.SwitchId.ToString(System.Globalization.CultureInfo.InvariantCulture), Str(created.Json["Appliance"]!["Switch"]!["ID"]));
    }

    [Fact]
    public async Task Beautify_Header_IndentsTheSameJson()
    {
        var pretty = await Sim.SendAsync(HttpMethod.Get, "/internet/112800000001", configure: r => r.Headers.Add("X-Sakura-API-Beautify", "1"));

        Assert.Contains("\n", pretty.Raw, StringComparison.Ordinal);
        Assert.Equal("k8s-router", Str(pretty.Json["Internet"]!["Name"]));
    }

    [Theory]
    [InlineData("/internet/999")]
    [InlineData("/switch/123456789012")]
    [InlineData("/server/abc")]
    [InlineData("/subnet/1")]
    [InlineData("/appliance/113299999999")]
    [InlineData("/appliance/113299999999/status")]
    [InlineData("/switch/1/server")]
    public async Task Read_UnknownId_Gets404NotFound(string path)
    {
        AssertError(await Sim.GetAsync(path), HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("GET", "/no-such-resource")]
    [InlineData("PATCH", "/appliance/113200000009")]
    [InlineData("POST", "/server")]
    [InlineData("GET", "/")]
    public async Task UnknownRoute_UnderApiRoot_Gets404WithErrorBody(string method, string path)
    {
        AssertError(await Sim.SendAsync(new HttpMethod(method), path), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UnknownZone_Gets404()
    {
        AssertError(await Sim.GetAsync("/server", zone: "xx1z"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task OtherZone_IsSeparate_AndStartsEmpty()
    {
        var result = await Sim.GetAsync("/server", zone: "tk1a");

        AssertOk(result);
        Assert.Equal(0, result.Json["Total"]!.GetValue<int>());
        AssertError(await Sim.GetAsync("/server/113100000003", zone: "tk1a"), HttpStatusCode.NotFound, "not_found");
    }
}
