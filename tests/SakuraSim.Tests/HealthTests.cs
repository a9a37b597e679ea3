namespace SakuraSim.Tests;

/// <summary>
/// Backend health as <c>GET /appliance/{id}/status</c> reports it, driven by the
/// /_sim health controls: a failing check without a power-off, connection numbers, disabled and
/// powered-off servers.
/// </summary>
public sealed class HealthTests : SimulatorTests
{
    private const long Worker02Id = 113100000005;
    private const long Worker03Id = 113100000007;

    private long id;

    private protected override async Task PrepareAsync()
    {
        // Two VIP entries (80 and 443), each with worker01..03 as real servers.
        var servers = string.Join(",", new[] { "100", "101", "102" }.Select(ip =>
            $$$"""{"IPAddress":"203.0.113.{{{ip}}}","Port":"PORT","Enabled":"True","HealthCheck":{"Protocol":"tcp"}}"""));
        var settings = "{\"LoadBalancer\":["
            + $$"""{"VirtualIPAddress":"203.0.113.104","Port":"80","Servers":[{{servers.Replace("PORT", "80", StringComparison.Ordinal)}}]},"""
            + $$"""{"VirtualIPAddress":"203.0.113.104","Port":"443","Servers":[{{servers.Replace("PORT", "443", StringComparison.Ordinal)}}]}"""
            + "]}";
        id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(settings: settings)));
        Sim.Advance(TimeSpan.FromMinutes(2));
    }

    /// <summary>"port ip STATUS conn cps" per real server, VIP entry by VIP entry.</summary>
    private async Task<List<string>> StatusAsync()
    {
        var status = await Sim.GetAsync($"/appliance/{id}/status");
        AssertOk(status);
        return status.Json["LoadBalancer"]!.AsArray()
            .SelectMany(v => v!["Servers"]!.AsArray().Select(s =>
                $"{Str(v["Port"])} {Str(s!["IPAddress"])[^3..]} {Str(s["Status"])} {Str(s["ActiveConn"])} {Str(s["CPS"])}"))
            .ToList();
    }

    private async Task<JsonNode> HealthAsync(long server, string json)
    {
        var result = await Sim.ControlAsync(HttpMethod.Post, $"/_sim/servers/{server}/health", json);
        AssertOk(result);
        return result.Json;
    }

    [Fact]
    public async Task AllServersUp_ReportUpWithZeroConnections()
    {
        Assert.All(await StatusAsync(), line => Assert.EndsWith(" UP 0 0", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailingCheck_MakesThatServerDown_OnEveryPort_WithoutPoweringItOff()
    {
        await HealthAsync(SimHarness.Worker01Id, """{"status":"down"}""");

        Assert.Equal(
            ["80 100 DOWN 0 0", "80 101 UP 0 0", "80 102 UP 0 0", "443 100 DOWN 0 0", "443 101 UP 0 0", "443 102 UP 0 0"],
            await StatusAsync());
        Assert.Equal("up", Str((await Sim.GetAsync($"/server/{SimHarness.Worker01Id}")).Json["Server"]!["Instance"]!["Status"]));
    }

    [Fact]
    public async Task FailingCheck_OnOnePort_LeavesTheOtherPortUp()
    {
        await HealthAsync(Worker02Id, """{"status":"down","ports":[443]}""");

        var lines = await StatusAsync();

        Assert.Contains("80 101 UP 0 0", lines);
        Assert.Contains("443 101 DOWN 0 0", lines);
    }

    [Fact]
    public async Task PassingAgain_WithoutPorts_ClearsEveryPort()
    {
        await HealthAsync(Worker02Id, """{"status":"down","ports":[80]}""");
        await HealthAsync(Worker02Id, """{"status":"down","ports":[443]}""");

        await HealthAsync(Worker02Id, """{"status":"up"}""");

        Assert.All(await StatusAsync(), line => Assert.Contains(" UP ", line, StringComparison.Ordinal));
        Assert.Empty((await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["health"]!.AsArray());
    }

    [Fact]
    public async Task PassingOnOnePort_OverridesAFailureOfEveryPort()
    {
        await HealthAsync(Worker02Id, """{"status":"down"}""");

        await HealthAsync(Worker02Id, """{"status":"up","ports":[80]}""");

        var lines = await StatusAsync();
        Assert.Contains("80 101 UP 0 0", lines);
        Assert.Contains("443 101 DOWN 0 0", lines);
    }

    [Fact]
    public async Task ConnectionNumbers_AreReportedForUpServers_AndTheVipCpsIsTheirSum()
    {
        await HealthAsync(SimHarness.Worker01Id, """{"ports":[80],"activeConn":7,"cps":3}""");
        await HealthAsync(Worker02Id, """{"activeConn":2,"cps":4}""");

        var status = await Sim.GetAsync($"/appliance/{id}/status");

        Assert.Equal(["80 100 UP 7 3", "80 101 UP 2 4", "80 102 UP 0 0", "443 100 UP 0 0", "443 101 UP 2 4", "443 102 UP 0 0"], await StatusAsync());
        Assert.Equal("7", Str(status.Json["LoadBalancer"]![0]!["CPS"]));
        Assert.Equal("4", Str(status.Json["LoadBalancer"]![1]!["CPS"]));
    }

    [Fact]
    public async Task DownServers_ReportNoConnections_EvenWithNumbersSet_AndDropOutOfTheVipCps()
    {
        await HealthAsync(SimHarness.Worker01Id, """{"activeConn":7,"cps":3}""");
        await HealthAsync(Worker02Id, """{"cps":5}""");

        await HealthAsync(SimHarness.Worker01Id, """{"status":"down","ports":[80]}""");

        Assert.Contains("80 100 DOWN 0 0", await StatusAsync());
        Assert.Contains("443 100 UP 7 3", await StatusAsync());
        Assert.Equal("5", Str((await Sim.GetAsync($"/appliance/{id}/status")).Json["LoadBalancer"]![0]!["CPS"]));
    }

    [Fact]
    public async Task ByAddress_TheCheckOfAnyRealServerAddressCanFail()
    {
        var result = await Sim.ControlAsync(HttpMethod.Post, "/_sim/health", """{"zone":"is1a","ipAddress":"203.0.113.102","ports":[80,443],"status":"down"}""");

        AssertOk(result);
        Assert.Equal(2, result.Json["health"]!.AsArray().Count);
        Assert.Equal(["80 102 DOWN 0 0", "443 102 DOWN 0 0"], (await StatusAsync()).Where(l => l.Contains(" 102 ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PoweredOffServer_IsDown_EvenWhenItsCheckIsSetToPass()
    {
        await HealthAsync(Worker03Id, """{"status":"up","activeConn":3}""");

        AssertOk(await Sim.ControlAsync(HttpMethod.Post, $"/_sim/servers/{Worker03Id}/power", """{"status":"down"}"""));

        Assert.Equal(["80 102 DOWN 0 0", "443 102 DOWN 0 0"], (await StatusAsync()).Where(l => l.Contains(" 102 ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DisabledRealServer_IsListedAsDown()
    {
        var read = (await Sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;
        var settings = read["Settings"]!.DeepClone();
        settings["LoadBalancer"]![0]!["Servers"]![0]!["Enabled"] = "False";
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(settings.ToJsonString())));
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"));
        await HealthAsync(SimHarness.Worker01Id, """{"activeConn":9,"cps":9}""");

        var lines = await StatusAsync();

        Assert.Contains("80 100 DOWN 0 0", lines);
        Assert.Contains("443 100 UP 9 9", lines);
    }

    [Fact]
    public async Task State_ListsWhatTheControlsSet()
    {
        await HealthAsync(Worker02Id, """{"status":"down","ports":[443],"cps":2}""");

        var health = Assert.Single((await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["health"]!.AsArray())!;

        Assert.Equal("is1a", Str(health["zone"]));
        Assert.Equal("203.0.113.101", Str(health["ipAddress"]));
        Assert.Equal(443, health["port"]!.GetValue<int>());
        Assert.Equal("down", Str(health["status"]));
        Assert.Equal(2, health["cps"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reset_ClearsTheHealthControls()
    {
        await HealthAsync(Worker02Id, """{"status":"down"}""");

        AssertOk(await Sim.ControlAsync(HttpMethod.Post, "/_sim/reset", """{"seedDefaultTopology":true}"""));

        Assert.Empty((await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["health"]!.AsArray());
    }

    [Theory]
    [InlineData("/_sim/servers/113100000003/health", """{"status":"sideways"}""", "status must be")]
    [InlineData("/_sim/servers/113100000003/health", """{"status":"down","ports":[0]}""", "port numbers")]
    [InlineData("/_sim/servers/113100000003/health", """{"ports":[80]}""", "Nothing to change")]
    [InlineData("/_sim/servers/113100000003/health", """{"cps":-1}""", "cps must be an integer")]
    [InlineData("/_sim/servers/113100000003/health", """{"status":"down","ipAddress":"203.0.113.109"}""", "has no NIC with the address")]
    [InlineData("/_sim/health", """{"status":"down"}""", "ipAddress is required")]
    [InlineData("/_sim/health", """{"ipAddress":"203.0.113.100","status":"down","zone":"xx1a"}""", "Unknown zone")]
    public async Task BadHealthInput_Gets400(string path, string body, string expected)
    {
        var message = AssertError(await Sim.ControlAsync(HttpMethod.Post, path, body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_OfAnUnknownServer_Gets404_AndOfAServerWithoutAddress_Gets400()
    {
        var bare = (await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", """{"name":"bare","interfaces":[{}]}""")).Json["ID"]!.GetValue<long>();

        AssertError(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers/113199999999/health", """{"status":"down"}"""), HttpStatusCode.NotFound, "not_found");
        AssertError(await Sim.ControlAsync(HttpMethod.Post, $"/_sim/servers/{bare}/health", """{"status":"down"}"""), HttpStatusCode.BadRequest, "bad_request");
    }
}
