namespace SakuraSim.Tests;

/// <summary>The /_sim control endpoints and the documented default topology.</summary>
public sealed class ControlTests : SimulatorTests
{
    private async Task<JsonNode> StateAsync() => (await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json;

    [Fact]
    public async Task DefaultTopology_IsTheDocumentedOne()
    {
        var state = await StateAsync();

        var router = state["routers"]!.AsArray().Single()!;
        Assert.Equal(SimHarness.RouterId, router["id"]!.GetValue<long>());
        Assert.Equal("is1a", Str(router["zone"]));
        Assert.Equal("k8s-router", Str(router["name"]));
        Assert.Equal(["@k8s"], router["tags"]!.AsArray().Select(Str));
        Assert.Equal(SimHarness.SwitchId, router["switchId"]!.GetValue<long>());
        Assert.Equal("203.0.113.96", Str(router["networkAddress"]));
        Assert.Equal(28, router["networkMaskLen"]!.GetValue<int>());
        Assert.Equal("203.0.113.97", Str(router["defaultRoute"]));
        Assert.Equal("203.0.113.100", Str(router["assignableMin"]));
        Assert.Equal("203.0.113.110", Str(router["assignableMax"]));
        Assert.Equal(["203.0.113.96", "203.0.113.97", "203.0.113.98", "203.0.113.99", "203.0.113.111"],
            router["reserved"]!.AsArray().Select(r => Str(r!["address"])));

        var servers = state["servers"]!.AsArray();
        Assert.Equal(["worker01", "worker02", "worker03"], servers.Select(s => Str(s!["name"])));
        Assert.Equal(["203.0.113.100", "203.0.113.101", "203.0.113.102"], servers.Select(s => Str(s!["interfaces"]![0]!["userIPAddress"])));
        Assert.All(servers, s => Assert.Equal(SimHarness.SwitchId, s!["interfaces"]![0]!["switchId"]!.GetValue<long>()));
        Assert.Empty(state["appliances"]!.AsArray());
    }

    [Fact]
    public async Task NoDefaultTopology_WhenTheOptionSaysSo()
    {
        await using var empty = await SimHarness.StartAsync(new SakuraSimulatorOptions { SeedDefaultTopology = false, RateLimitPerSecond = 0 });

        Assert.Equal(0, (await empty.GetAsync("/internet")).Json["Total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reset_EmptiesEverything_OrReseedsWhenAsked()
    {
        await Sim.GetAsync("/server");
        AssertOk(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"faults":[{"path":"/x","status":503}]}"""));

        AssertOk(await Sim.ControlAsync(HttpMethod.Post, "/_sim/reset"));

        var state = await StateAsync();
        Assert.Empty(state["routers"]!.AsArray());
        Assert.Empty(state["servers"]!.AsArray());
        Assert.Empty((await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray());
        Assert.Empty((await Sim.ControlAsync(HttpMethod.Get, "/_sim/config")).Json["faults"]!.AsArray());

        AssertOk(await Sim.ControlAsync(HttpMethod.Post, "/_sim/reset", """{"seedDefaultTopology":true}"""));
        Assert.Equal(SimHarness.RouterId, (await StateAsync())["routers"]![0]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Routers_TakeTheNextFreeBlock_AndAnswerWithTheInternetObject()
    {
        var first = await Sim.ControlAsync(HttpMethod.Post, "/_sim/routers", """{"zone":"is1a","name":"r2","networkMaskLen":28}""");
        var second = await Sim.ControlAsync(HttpMethod.Post, "/_sim/routers", """{"zone":"tk1a","name":"r3","networkMaskLen":26,"tags":["@k8s","x"]}""");
        var third = await Sim.ControlAsync(HttpMethod.Post, "/_sim/routers", """{"name":"r4","networkMaskLen":24}""");

        AssertOk(first, HttpStatusCode.Created);
        Assert.Equal("203.0.113.0", Str(first.Json["Switch"]!["Subnets"]![0]!["NetworkAddress"]));
        Assert.Equal("r2", Str(first.Json["Name"]));
        Assert.Equal(31001, first.Json["Zone"]!["ID"]!.GetValue<int>());
        Assert.Equal("203.0.113.128", Str(second.Json["Switch"]!["Subnets"]![0]!["NetworkAddress"]));
        Assert.Equal(21001, second.Json["Zone"]!["ID"]!.GetValue<int>());
        Assert.Equal("198.51.100.0", Str(third.Json["Switch"]!["Subnets"]![0]!["NetworkAddress"]));

        // The router's switch exists in its zone with the assignable range of the block.
        var switchId = second.Json["Switch"]!["ID"]!.GetValue<long>();
        var sw = (await Sim.GetAsync($"/switch/{switchId}", zone: "tk1a")).Json["Switch"]!;
        Assert.Equal("203.0.113.132", Str(sw["Subnets"]![0]!["IPAddresses"]!["Min"]));
        Assert.Equal("203.0.113.190", Str(sw["Subnets"]![0]!["IPAddresses"]!["Max"]));
    }

    [Theory]
    [InlineData("""{"name":"r","networkMaskLen":23}""", "between 24 and 29")]
    [InlineData("""{"name":"r","networkMaskLen":30}""", "between 24 and 29")]
    [InlineData("""{"networkMaskLen":28}""", "name is required")]
    [InlineData("""{"name":"r","zone":"mars1a"}""", "Unknown zone")]
    [InlineData("""{"name":"r","networkAddress":"203.0.113.96"}""", "overlaps")]
    [InlineData("""{"name":"r","networkAddress":"203.0.113.97"}""", "not the first address")]
    [InlineData("""{"name":"r",""", "Malformed JSON")]
    [InlineData("""[]""", "must be a JSON object")]
    public async Task Routers_WithBadInput_Get400(string body, string expected)
    {
        var message = AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/routers", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Servers_AreCreatedOnTheGivenSwitch_AndCanBePoweredDownAndDeleted()
    {
        var created = await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers",
            $$"""{"zone":"is1a","name":"worker04","switchId":"{{SimHarness.SwitchId}}","ipAddress":"203.0.113.103","tags":["role=worker"]}""");

        AssertOk(created, HttpStatusCode.Created);
        var id = created.Json["ID"]!.GetValue<long>();
        Assert.Equal("203.0.113.103", Str(created.Json["Interfaces"]![0]!["UserIPAddress"]));
        Assert.Equal(4, (await Sim.GetAsync($"/switch/{SimHarness.SwitchId}")).Json["Switch"]!["ServerCount"]!.GetValue<int>());

        var down = await Sim.ControlAsync(HttpMethod.Post, $"/_sim/servers/{id}/power", """{"status":"down"}""");
        Assert.Equal("down", Str(down.Json["Instance"]!["Status"]));
        Assert.Equal("down", Str((await Sim.GetAsync($"/server/{id}")).Json["Server"]!["Instance"]!["Status"]));

        AssertOk(await Sim.ControlAsync(HttpMethod.Delete, $"/_sim/servers/{id}"));
        AssertError(await Sim.GetAsync($"/server/{id}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Servers_OnUnknownSwitch_Get404_AndTwoNicsOnOneRouterSwitch_Get400()
    {
        AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", """{"name":"w","switchId":1,"ipAddress":"10.0.0.1"}"""), HttpStatusCode.NotFound, "not_found");
        AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", $$"""
            {"name":"w","interfaces":[{"switchId":{{SimHarness.SwitchId}},"ipAddress":"203.0.113.103"},{"switchId":{{SimHarness.SwitchId}},"ipAddress":"203.0.113.104"}]}
            """), HttpStatusCode.BadRequest, "bad_request");
    }

    [Theory]
    [InlineData("/_sim/switches", """{"name":"s","userSubnet":"192.168.0.1/24"}""", "userSubnet must be an object")]
    [InlineData("/_sim/servers", """{"name":"w","interfaces":{"switchId":1}}""", "interfaces must be an array")]
    public async Task Seeding_WithAWronglyTypedPart_Gets400_InsteadOfIgnoringIt(string path, string body, string expected)
    {
        var message = AssertError(await Sim.ControlAsync(HttpMethod.Post, path, body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeededAppliance_IsServedAsCreatedBySomeoneElse_InTheChosenState()
    {
        var seeded = await Sim.ControlAsync(HttpMethod.Post, "/_sim/appliances", """{"zone":"is1a","state":"up","appliance":""" + JsonNode.Parse(Bodies.CreateLoadBalancer(name: "foreign"))!["Appliance"]!.ToJsonString() + "}");

        AssertOk(seeded, HttpStatusCode.Created);
        var id = seeded.Json["ID"]!.GetValue<long>();
        var read = (await Sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;
        Assert.Equal("foreign", Str(read["Name"]));
        Assert.Equal("up", Str(read["Instance"]!["Status"]));
        var status = await Sim.GetAsync($"/appliance/{id}/status");
        Assert.Single(status.Json["LoadBalancer"]!.AsArray());

        var failed = await Sim.ControlAsync(HttpMethod.Post, $"/_sim/appliances/{id}/fail");
        Assert.Equal("failed", Str(failed.Json["Availability"]));
        Assert.Equal("failed", Str((await Sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!["Availability"]));
    }

    [Fact]
    public async Task SeededAppliance_NotApplied_AndOutOfBandPowerAndDelete()
    {
        var body = """{"state":"migrating","settingsApplied":false,"appliance":""" + JsonNode.Parse(Bodies.CreateLoadBalancer())!["Appliance"]!.ToJsonString() + "}";
        var id = (await Sim.ControlAsync(HttpMethod.Post, "/_sim/appliances", body)).Json["ID"]!.GetValue<long>();

        var state = (await StateAsync())["appliances"]![0]!;
        Assert.Equal("migrating", Str(state["availability"]));
        Assert.False(state["settingsApplied"]!.GetValue<bool>());
        Assert.NotNull(state["phaseEndsAt"]);

        Assert.Equal("up", Str((await Sim.ControlAsync(HttpMethod.Post, $"/_sim/appliances/{id}/power", """{"status":"up"}""")).Json["Instance"]!["Status"]));
        Assert.Equal("down", Str((await Sim.ControlAsync(HttpMethod.Post, $"/_sim/appliances/{id}/power", """{"status":"down"}""")).Json["Instance"]!["Status"]));
        AssertOk(await Sim.ControlAsync(HttpMethod.Delete, $"/_sim/appliances/{id}"));
        AssertError(await Sim.GetAsync($"/appliance/{id}"), HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("""{"state":"sleeping","appliance":{}}""")]
    [InlineData("""{"state":"up"}""")]
    [InlineData("""{"appliance":{"Class":"loadbalancer","Name":"x"}}""")]
    public async Task SeededAppliance_WithBadInput_Gets400(string body)
    {
        AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/appliances", body), HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task RequestLog_RecordsEveryApiRequestWithItsShape_AndCanBeCleared()
    {
        await Sim.GetAsync("""/server?{"Filter":{"Name":"worker%20one"}}""");
        await Sim.SendAsync(HttpMethod.Put, "/appliance/113200000123/config");
        await Sim.GetAsync("/internet", zone: "tk1b");

        var log = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray();

        Assert.Equal(3, log.Count);
        Assert.Equal("GET", Str(log[0]!["method"]));
        Assert.Equal("/server", Str(log[0]!["path"]));
        Assert.Equal("""{"Filter":{"Name":"worker one"}}""", Str(log[0]!["query"]));
        Assert.Equal(200, log[0]!["status"]!.GetValue<int>());
        Assert.Null(log[0]!["errorCode"]);
        Assert.True(DateTimeOffset.TryParse(Str(log[0]!["time"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
        Assert.Equal("/appliance/113200000123/config", Str(log[1]!["path"]));
        Assert.Equal("not_found", Str(log[1]!["errorCode"]));
        Assert.Equal("tk1b", Str(log[2]!["zone"]));

        Assert.Equal(HttpStatusCode.NoContent, (await Sim.ControlAsync(HttpMethod.Delete, "/_sim/requests")).Status);
        Assert.Empty((await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray());
    }

    [Fact]
    public async Task Config_GetAndPartialPut_RoundTrip()
    {
        var put = await Sim.ControlAsync(HttpMethod.Put, "/_sim/config",
            """{"timeScale":0.5,"rateLimitPerSecond":7,"defaultPageSize":2,"lifecycle":{"bootSeconds":60}}""");

        AssertOk(put);
        var config = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/config")).Json;
        Assert.Equal(0.5, config["timeScale"]!.GetValue<double>());
        Assert.Equal(7, config["rateLimitPerSecond"]!.GetValue<int>());
        Assert.Equal(60, config["lifecycle"]!["bootSeconds"]!.GetValue<double>());
        Assert.Equal(30, config["lifecycle"]!["migratingSeconds"]!.GetValue<double>());
        Assert.Equal(10, config["maxVipsPerLoadBalancer"]!.GetValue<int>());
        Assert.Equal(["test-token"], config["accessTokens"]!.AsArray().Select(Str));

        var page = await Sim.GetAsync("/server");
        Assert.Equal(3, page.Json["Total"]!.GetValue<int>());
        Assert.Equal(2, page.Json["Count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"timeScale":-1}""")]
    [InlineData("""{"timeScale":"fast"}""")]
    [InlineData("""{"rateLimitPerSecond":-5}""")]
    [InlineData("""{"lifecycle":{"bootSeconds":-1}}""")]
    [InlineData("""{"ipClashCheck":"yes"}""")]
    [InlineData("""{"addCredentials":[{"token":""}]}""")]
    [InlineData("""{"addCredentials":{"token":"t2","secret":"s2"}}""")]
    [InlineData("""{"lifecycle":5}""")]
    [InlineData("not json")]
    public async Task Config_WithBadInput_Gets400(string body)
    {
        AssertError(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", body), HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task UnknownControlEndpoint_Gets404WithErrorBody()
    {
        AssertError(await Sim.ControlAsync(HttpMethod.Get, "/_sim/nothing"), HttpStatusCode.NotFound, "not_found");
        AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers/abc/power", """{"status":"up"}"""), HttpStatusCode.NotFound, "not_found");
        AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/appliances/1/fail"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task ControlRequests_AreNotInTheRequestLog_NorRateLimited()
    {
        await using var limited = await SimHarness.StartAsync(new SakuraSimulatorOptions { RateLimitPerSecond = 1 });
        for (var i = 0; i < 5; i++)
        {
            AssertOk(await limited.ControlAsync(HttpMethod.Get, "/_sim/state"));
        }

        Assert.Empty((await limited.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray());
    }
}
