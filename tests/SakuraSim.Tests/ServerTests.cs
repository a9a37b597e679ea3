namespace SakuraSim.Tests;

/// <summary>
/// Servers as a controller reads them in batches: paging, exact-name filters,
/// zone, plan, power, availability and every kind of NIC, all fed by the /_sim/servers controls.
/// </summary>
public sealed class ServerTests : SimulatorTests
{
    private async Task<JsonNode> SeedAsync(string json)
    {
        var created = await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", json);
        AssertOk(created, HttpStatusCode.Created);
        return created.Json;
    }

    private async Task<long> PlainSwitchAsync(string name = "private", string zone = "is1a")
    {
        var sw = await Sim.ControlAsync(HttpMethod.Post, "/_sim/switches",
            $$$"""{"zone":"{{{zone}}}","name":"{{{name}}}","userSubnet":{"defaultRoute":"192.168.0.1","networkMaskLen":24}}""");
        AssertOk(sw, HttpStatusCode.Created);
        return sw.Json["ID"]!.GetValue<long>();
    }

    [Fact]
    public async Task Paging_WithFromAndCount_VisitsEveryServerOnce_AndEveryPageHasTheTotal()
    {
        for (var i = 0; i < 22; i++)
        {
            await SeedAsync($$"""{"name":"node-{{i:D2}}","switchId":{{SimHarness.SwitchId}}}""");
        }

        var seen = new List<string>();
        for (var from = 0; ; from += 10)
        {
            var page = await Sim.GetAsync($$"""/server?{"From":{{from}},"Count":10}""", bigint: true);
            AssertOk(page);
            Assert.Equal(25, page.Json["Total"]!.GetValue<int>());
            Assert.Equal(from, page.Json["From"]!.GetValue<int>());
            var items = page.Json["Servers"]!.AsArray();
            Assert.Equal(items.Count, page.Json["Count"]!.GetValue<int>());
            if (items.Count == 0)
            {
                break;
            }

            seen.AddRange(items.Select(s => s!["ID"]!.ToJsonString()));
        }

        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());
        // The default order is by ID, so pages taken one after another never skip or repeat a server.
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Filter_ExactNames_FindsEveryServerOfThoseNames_IncludingTwoWithTheSameName()
    {
        await SeedAsync("""{"name":"dup","interfaces":[]}""");
        await SeedAsync("""{"name":"dup","interfaces":[]}""");
        await SeedAsync("""{"name":"dup-2","interfaces":[]}""");

        var exact = await Sim.GetAsync("""/server?{"Filter":{"Name":["dup","worker02"]},"Count":100}""");
        var partial = await Sim.GetAsync("""/server?{"Filter":{"Name":"dup"}}""");

        Assert.Equal(["worker02", "dup", "dup"], exact.Json["Servers"]!.AsArray().Select(s => Str(s!["Name"])));
        Assert.Equal(3, exact.Json["Total"]!.GetValue<int>());
        Assert.Equal(3, partial.Json["Total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Server_CarriesZoneRegionPlanPowerAndAvailability()
    {
        var created = await SeedAsync("""
            {"zone":"tk1b","name":"big","status":"down","availability":"migrating",
             "plan":{"cpu":4,"memoryMB":8192,"generation":200,"commitment":"dedicatedcpu"},"interfaces":[]}
            """);

        var server = (await Sim.GetAsync($"/server/{created["ID"]}", zone: "tk1b", bigint: true)).Json["Server"]!;

        Assert.Equal("tk1b", Str(server["Zone"]!["Name"]));
        Assert.Equal(21002, server["Zone"]!["ID"]!.GetValue<int>());
        Assert.Equal("東京", Str(server["Zone"]!["Region"]!["Name"]));
        Assert.Equal(210, server["Zone"]!["Region"]!["ID"]!.GetValue<int>());
        var plan = server["ServerPlan"]!;
        Assert.Equal(200008004, plan["ID"]!.GetValue<long>());
        Assert.Equal("プラン/4Core-8GB", Str(plan["Name"]));
        Assert.Equal(4, plan["CPU"]!.GetValue<int>());
        Assert.Equal(8192, plan["MemoryMB"]!.GetValue<int>());
        Assert.Equal(200, plan["Generation"]!.GetValue<int>());
        Assert.Equal("dedicatedcpu", Str(plan["Commitment"]));
        Assert.Equal("cloud/plan/dedicatedcpu/4core-8gb", Str(plan["ServiceClass"]));
        Assert.Equal("down", Str(server["Instance"]!["Status"]));
        Assert.Equal("migrating", Str(server["Availability"]));
    }

    [Fact]
    public async Task DefaultServers_HaveTheStandardPlan_AndAreUpAndAvailable()
    {
        var server = (await Sim.GetAsync($"/server/{SimHarness.Worker01Id}", bigint: true)).Json["Server"]!;

        Assert.Equal("プラン/2Core-4GB", Str(server["ServerPlan"]!["Name"]));
        Assert.Equal(200004002, server["ServerPlan"]!["ID"]!.GetValue<long>());
        Assert.Equal("standard", Str(server["ServerPlan"]!["Commitment"]));
        Assert.Equal("available", Str(server["Availability"]));
        Assert.Equal("up", Str(server["Instance"]!["Status"]));
        Assert.Equal("is1a", Str(server["Zone"]!["Name"]));
        Assert.Equal("石狩", Str(server["Zone"]!["Region"]!["Name"]));
    }

    [Fact]
    public async Task Nics_OfEveryKind_ReadAsTheRealApiShowsThem()
    {
        var plain = await PlainSwitchAsync();
        var created = await SeedAsync($$"""
            {"name":"many-nics","interfaces":[
              {"sharedSegment":true},
              {"switchId":{{SimHarness.SwitchId}},"ipAddress":"203.0.113.103"},
              {"switchId":{{plain}},"ipAddress":"192.168.0.11"},
              {"switchId":{{plain}}},
              {}]}
            """);

        var nics = (await Sim.GetAsync($"/server/{created["ID"]}", bigint: true)).Json["Server"]!["Interfaces"]!.AsArray();

        // Shared segment: the API assigned IPAddress; Scope shared; Subnet is the segment's network.
        Assert.Equal("100.127.1.4", Str(nics[0]!["IPAddress"]));
        Assert.Null(nics[0]!["UserIPAddress"]);
        Assert.Equal("shared", Str(nics[0]!["Switch"]!["Scope"]));
        Assert.Equal("100.127.1.0", Str(nics[0]!["Switch"]!["Subnet"]!["NetworkAddress"]));
        Assert.Equal("100.127.1.1", Str(nics[0]!["Switch"]!["Subnet"]!["DefaultRoute"]));
        // Router+switch: user address, Subnet is the router's block.
        Assert.Null(nics[1]!["IPAddress"]);
        Assert.Equal("203.0.113.103", Str(nics[1]!["UserIPAddress"]));
        Assert.Equal(SimHarness.SwitchId, nics[1]!["Switch"]!["ID"]!.GetValue<long>());
        Assert.Equal("user", Str(nics[1]!["Switch"]!["Scope"]));
        Assert.Equal("203.0.113.96", Str(nics[1]!["Switch"]!["Subnet"]!["NetworkAddress"]));
        // Plain switch: no Subnet, the switch's UserSubnet.
        Assert.Equal("192.168.0.11", Str(nics[2]!["UserIPAddress"]));
        Assert.Null(nics[2]!["Switch"]!["Subnet"]);
        Assert.Equal(24, nics[2]!["Switch"]!["UserSubnet"]!["NetworkMaskLen"]!.GetValue<int>());
        // A NIC on a switch without a registered address, and one connected to nothing.
        Assert.Null(nics[3]!["UserIPAddress"]);
        Assert.Equal(plain, nics[3]!["Switch"]!["ID"]!.GetValue<long>());
        Assert.Null(nics[4]!["Switch"]);
        Assert.Null(nics[4]!["UserIPAddress"]);
    }

    [Fact]
    public async Task Server_WithoutNics_HasAnEmptyInterfaceList()
    {
        var created = await SeedAsync("""{"name":"diskless","interfaces":[]}""");

        Assert.Empty((await Sim.GetAsync($"/server/{created["ID"]}")).Json["Server"]!["Interfaces"]!.AsArray());
    }

    [Fact]
    public async Task SecondNic_AddedToAnExistingServer_JoinsThePlainSwitch()
    {
        var plain = await PlainSwitchAsync();

        var added = await Sim.ControlAsync(HttpMethod.Post, $"/_sim/servers/{SimHarness.Worker01Id}/interfaces",
            $$"""{"switchId":{{plain}},"ipAddress":"192.168.0.11"}""");

        AssertOk(added, HttpStatusCode.Created);
        var nics = (await Sim.GetAsync($"/server/{SimHarness.Worker01Id}")).Json["Server"]!["Interfaces"]!.AsArray();
        Assert.Equal(["203.0.113.100", "192.168.0.11"], nics.Select(n => Str(n!["UserIPAddress"])));
        Assert.Equal(["worker01"], (await Sim.GetAsync($"/switch/{plain}/server")).Json["Servers"]!.AsArray().Select(s => Str(s!["Name"])));
        Assert.Equal(1, (await Sim.GetAsync($"/switch/{plain}")).Json["Switch"]!["ServerCount"]!.GetValue<int>());
        Assert.Equal(3, (await Sim.GetAsync($"/switch/{SimHarness.SwitchId}")).Json["Switch"]!["ServerCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task SharedSegment_AssignsFreeAddresses_AndIsNoUserSwitch()
    {
        var first = await SeedAsync("""{"name":"a","sharedSegment":true}""");
        var second = await SeedAsync("""{"name":"b","interfaces":[{"sharedSegment":true,"ipAddress":"100.127.1.50"}]}""");
        var third = await SeedAsync("""{"name":"c","sharedSegment":true}""");

        Assert.Equal("100.127.1.4", Str(first["Interfaces"]![0]!["IPAddress"]));
        Assert.Equal("100.127.1.50", Str(second["Interfaces"]![0]!["IPAddress"]));
        Assert.Equal("100.127.1.5", Str(third["Interfaces"]![0]!["IPAddress"]));
        var sharedId = first["Interfaces"]![0]!["Switch"]!["ID"]!.GetValue<long>();
        Assert.Equal(sharedId, third["Interfaces"]![0]!["Switch"]!["ID"]!.GetValue<long>());

        Assert.Equal(1, (await Sim.GetAsync("/switch")).Json["Total"]!.GetValue<int>());
        AssertError(await Sim.GetAsync($"/switch/{sharedId}"), HttpStatusCode.NotFound, "not_found");
        var segment = Assert.Single((await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["sharedSegments"]!.AsArray())!;
        Assert.Equal(sharedId, segment["id"]!.GetValue<long>());
        Assert.Equal("100.127.1.0", Str(segment["networkAddress"]));
        // Each zone has its own segment.
        var other = await SeedAsync("""{"zone":"tk1a","name":"d","sharedSegment":true}""");
        Assert.Equal("100.127.4.4", Str(other["Interfaces"]![0]!["IPAddress"]));
    }

    [Fact]
    public async Task PowerControl_IsWhatTheApiReports_AndCanBeFiltered()
    {
        AssertOk(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers/113100000005/power", """{"status":"down"}"""));

        var up = await Sim.GetAsync("""/server?{"Filter":{"Instance.Status":["up"]}}""");

        Assert.Equal(["worker01", "worker03"], up.Json["Servers"]!.AsArray().Select(s => Str(s!["Name"])));
    }

    [Theory]
    [InlineData("""{"name":"x","plan":{"memoryMB":1500}}""", "multiple of 1024")]
    [InlineData("""{"name":"x","plan":{"commitment":"burst"}}""", "commitment must be one of")]
    [InlineData("""{"name":"x","plan":{"cpu":0}}""", "cpu must be an integer")]
    [InlineData("""{"name":"x","plan":"2core"}""", "plan must be an object")]
    [InlineData("""{"name":"x","availability":"ready"}""", "availability must be one of")]
    [InlineData("""{"name":"x","interfaces":[{"sharedSegment":true,"switchId":112800000002}]}""", "not both")]
    [InlineData("""{"name":"x","interfaces":[{"sharedSegment":true,"ipAddress":"100.127.1.2"}]}""", "not an assignable address of the shared segment")]
    [InlineData("""{"name":"x","interfaces":[{"sharedSegment":"yes"}]}""", "sharedSegment must be true or false")]
    public async Task Seeding_WithBadServerInput_Gets400(string body, string expected)
    {
        var message = AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedAddress_AlreadyAssigned_Gets400()
    {
        await SeedAsync("""{"name":"a","interfaces":[{"sharedSegment":true,"ipAddress":"100.127.1.9"}]}""");

        var message = AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", """{"name":"b","interfaces":[{"sharedSegment":true,"ipAddress":"100.127.1.9"}]}"""),
            HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains("already assigned", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddNic_ToAnUnknownServer_Gets404_AndASecondNicOnTheSameRouterSwitch_Gets400()
    {
        AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers/113199999999/interfaces", "{}"), HttpStatusCode.NotFound, "not_found");
        AssertError(await Sim.ControlAsync(HttpMethod.Post, $"/_sim/servers/{SimHarness.Worker01Id}/interfaces",
            $$"""{"switchId":{{SimHarness.SwitchId}},"ipAddress":"203.0.113.109"}"""), HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task State_ShowsPlansAvailabilityAndSharedAddresses()
    {
        await SeedAsync("""{"name":"s","sharedSegment":true,"availability":"failed","plan":{"cpu":1,"memoryMB":2048}}""");

        var server = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["servers"]!.AsArray().Single(s => Str(s!["name"]) == "s")!;

        Assert.Equal("failed", Str(server["availability"]));
        Assert.Equal(2048, server["plan"]!["memoryMB"]!.GetValue<int>());
        Assert.Equal("100.127.1.4", Str(server["interfaces"]![0]!["ipAddress"]));
        Assert.Null(server["interfaces"]![0]!["userIPAddress"]);
    }
}
