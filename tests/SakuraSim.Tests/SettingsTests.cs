namespace SakuraSim.Tests;

/// <summary>Stored vs applied settings, SettingsHash and update rules.</summary>
public sealed class SettingsTests : SimulatorTests
{
    private long id;

    private protected override async Task PrepareAsync()
    {
        id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        Sim.Advance(TimeSpan.FromMinutes(2));
    }

    private async Task<JsonNode> ReadAsync() => (await Sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;

    private async Task<JsonObject> SimStateAsync() =>
        (await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["appliances"]!.AsArray().Single()!.AsObject();

    private async Task<List<string>> StatusVipsAsync()
    {
        var status = await Sim.GetAsync($"/appliance/{id}/status");
        AssertOk(status);
        return status.Json["LoadBalancer"]!.AsArray().Select(v => $"{Str(v!["VirtualIPAddress"])}:{Str(v["Port"])}").ToList();
    }

    [Fact]
    public async Task CreateSettings_AreAppliedWhenTheLoadBalancerBoots_WithoutConfig()
    {
        // The official builder never calls config after a create: the real API runs the create-time settings.
        Assert.Equal(["203.0.113.104:80"], await StatusVipsAsync());
        var state = await SimStateAsync();
        Assert.True(state["settingsApplied"]!.GetValue<bool>());
        Assert.Equal("80", Str(state["appliedSettings"]![0]!["Port"]));
        var log = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray();
        Assert.DoesNotContain(log, r => Str(r!["path"]).EndsWith("/config", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateSettings_AreNotRunning_BeforeTheBootEnds()
    {
        var other = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(name: "second", ip: "203.0.113.105", vip: "203.0.113.106")));
        Sim.Advance(TimeSpan.FromSeconds(40)); // migrating is over, still booting

        var booting = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["appliances"]!.AsArray().Single(a => a!["id"]!.GetValue<long>() == other)!;
        Assert.Equal("booting", Str(booting["phase"]));
        Assert.Null(booting["appliedSettings"]);
        AssertError(await Sim.GetAsync($"/appliance/{other}/status"), HttpStatusCode.Conflict, "conflict");

        Sim.Advance(TimeSpan.FromSeconds(40));
        var status = await Sim.GetAsync($"/appliance/{other}/status");
        AssertOk(status);
        Assert.Equal("203.0.113.106", Str(status.Json["LoadBalancer"]![0]!["VirtualIPAddress"]));
    }

    [Fact]
    public async Task SettingsUpdatedWhileBooting_AreTheOnesTheBootRuns()
    {
        var other = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer(name: "second", ip: "203.0.113.105", vip: "203.0.113.106")));
        Sim.Advance(TimeSpan.FromSeconds(40));
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{other}", Bodies.UpdateSettings(Bodies.Settings(vip: "203.0.113.106", port: "8080"))));

        Sim.Advance(TimeSpan.FromSeconds(40));
        var status = await Sim.GetAsync($"/appliance/{other}/status");

        AssertOk(status);
        Assert.Equal("8080", Str(status.Json["LoadBalancer"]![0]!["Port"]));
    }

    [Fact]
    public async Task Update_ChangesStoredSettings_StatusKeepsAppliedOnes_UntilConfig()
    {
        var hash = Str((await ReadAsync())["SettingsHash"]);

        var update = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}",
            Bodies.UpdateSettings(Bodies.Settings(port: "443"), hash));

        AssertOk(update);
        Assert.True(update.Json["Success"]!.GetValue<bool>());
        Assert.Equal("443", Str(update.Json["Appliance"]!["Settings"]!["LoadBalancer"]![0]!["Port"]));
        Assert.NotEqual(hash, Str(update.Json["Appliance"]!["SettingsHash"]));
        Assert.Equal(["203.0.113.104:80"], await StatusVipsAsync());
        var state = await SimStateAsync();
        Assert.Equal("443", Str(state["storedSettings"]![0]!["Port"]));
        Assert.Equal("80", Str(state["appliedSettings"]![0]!["Port"]));

        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"));
        Assert.Equal(["203.0.113.104:443"], await StatusVipsAsync());
    }

    [Fact]
    public async Task Update_WithStaleOriginalSettingsHash_Gets409OriginalHashMismatch_AndChangesNothing()
    {
        var stale = Str((await ReadAsync())["SettingsHash"]);
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "8080"))));

        var result = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettingsLocked(Bodies.Settings(port: "9090"), stale));

        var message = AssertError(result, HttpStatusCode.Conflict, "original_hash_mismatch");
        // The text saklient (Sakura's SDK) carries for this code.
        Assert.StartsWith("要求された操作を行えません。オリジナルのデータを取得してからこのリクエストを行うまでの間に、他の変更が加わった可能性があります。", message, StringComparison.Ordinal);
        Assert.Equal("409 Conflict", Str(result.Json["status"]));
        Assert.Equal("8080", Str((await ReadAsync())["Settings"]!["LoadBalancer"]![0]!["Port"]));
    }

    [Fact]
    public async Task Update_WithCurrentOriginalSettingsHash_IsAccepted()
    {
        var current = Str((await ReadAsync())["SettingsHash"]);

        var result = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettingsLocked(Bodies.Settings(port: "9090"), current));

        AssertOk(result);
        Assert.Equal("9090", Str(result.Json["Appliance"]!["Settings"]!["LoadBalancer"]![0]!["Port"]));
        Assert.NotEqual(current, Str(result.Json["Appliance"]!["SettingsHash"]));
    }

    [Fact]
    public async Task Update_WithStaleOriginalSettingsHash_IsRefused_EvenWhenOnlyTheNameChanges()
    {
        // saklient sends the hash it read on every save, whatever the save changes.
        var stale = Str((await ReadAsync())["SettingsHash"]);
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "8080"))));

        var result = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", $$"""{"Appliance":{"Name":"renamed"},"OriginalSettingsHash":"{{stale}}"}""");

        AssertError(result, HttpStatusCode.Conflict, "original_hash_mismatch");
        Assert.NotEqual("renamed", Str((await ReadAsync())["Name"]));
    }

    [Fact]
    public async Task Update_WithStaleSettingsHashInsideAppliance_IsIgnored_LikeTheOtherReadOnlyFields()
    {
        var stale = Str((await ReadAsync())["SettingsHash"]);
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "8080"))));

        var result = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "9090"), stale));

        AssertOk(result);
        Assert.Equal("9090", Str((await ReadAsync())["Settings"]!["LoadBalancer"]![0]!["Port"]));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    public async Task Update_WithNullOrEmptyOriginalSettingsHash_HasNoLock(string hash)
    {
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "8080"))));

        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", "{\"Appliance\":{\"Description\":\"x\"},\"OriginalSettingsHash\":" + hash + "}"));
    }

    [Fact]
    public async Task Update_WithOriginalSettingsHashNotAString_Gets400()
    {
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """{"Appliance":{"Description":"x"},"OriginalSettingsHash":12}"""),
            HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Create_WithNullOriginalSettingsHash_AsSaklientSendsIt_IsAccepted()
    {
        var body = JsonNode.Parse(Bodies.CreateLoadBalancer(name: "saklient", ip: "203.0.113.105", vip: "203.0.113.106"))!.AsObject();
        body["OriginalSettingsHash"] = null;

        AssertOk(await Sim.SendAsync(HttpMethod.Post, "/appliance", body.ToJsonString()), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Update_WithoutSettingsLoadBalancer_KeepsVips_AndEmptyListRemovesThem()
    {
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """{"Appliance":{"Description":"renamed","Settings":{}}}"""));
        var kept = await ReadAsync();
        Assert.Equal("renamed", Str(kept["Description"]));
        Assert.Single(kept["Settings"]!["LoadBalancer"]!.AsArray());

        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """{"Appliance":{"Settings":{"LoadBalancer":[]}}}"""));
        Assert.Empty((await ReadAsync())["Settings"]!["LoadBalancer"]!.AsArray());
    }

    [Fact]
    public async Task Update_WithWholeObjectAsRead_IgnoresReadOnlyFields()
    {
        // The Sakura cloud-controller-manager PUTs back the whole object it read, Instance, Interfaces and all.
        var read = (await ReadAsync()).AsObject();
        read["Settings"] = JsonNode.Parse(Bodies.Settings(port: "8443"));
        read["Tags"] = new JsonArray("@k8s", "extra");

        var result = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", new JsonObject { ["Appliance"] = read.DeepClone() }.ToJsonString());

        AssertOk(result);
        var after = await ReadAsync();
        Assert.Equal("8443", Str(after["Settings"]!["LoadBalancer"]![0]!["Port"]));
        Assert.Equal(["@k8s", "extra"], after["Tags"]!.AsArray().Select(Str));
        Assert.Equal("available", Str(after["Availability"]));
    }

    [Theory]
    [InlineData("""{"Remark":{"Switch":{"ID":"112800000099"}}}""", "Remark.Switch.ID")]
    [InlineData("""{"Remark":{"VRRP":{"VRID":7}}}""", "Remark.VRRP.VRID")]
    [InlineData("""{"Remark":{"Servers":[{"IPAddress":"203.0.113.109"}]}}""", "Remark.Servers")]
    [InlineData("""{"Remark":{"Network":{"NetworkMaskLen":27}}}""", "Remark.Network.NetworkMaskLen")]
    [InlineData("""{"Plan":{"ID":2}}""", "Plan.ID")]
    public async Task Update_ChangingImmutableField_Gets400(string appliance, string field)
    {
        var message = AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.Update(appliance)),
            HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains(field, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_NumbersAndBoolsSentAsJsonTypes_ComeBackAsStrings()
    {
        var result = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """
            {"Appliance":{"Settings":{"LoadBalancer":[{"VirtualIPAddress":"203.0.113.104","Port":80,"DelayLoop":20,
             "Servers":[{"IPAddress":"203.0.113.100","Port":80,"Enabled":false,
                         "HealthCheck":{"Protocol":"http","Path":"/healthz","Status":200,"Retry":3,"ConnectTimeout":10}}]}]}}}
            """);

        AssertOk(result);
        var vip = result.Json["Appliance"]!["Settings"]!["LoadBalancer"]![0]!;
        Assert.Equal("80", Str(vip["Port"]));
        Assert.Equal("20", Str(vip["DelayLoop"]));
        Assert.Equal("", Str(vip["SorryServer"]));
        var server = vip["Servers"]![0]!;
        Assert.Equal("False", Str(server["Enabled"]));
        Assert.Equal("200", Str(server["HealthCheck"]!["Status"]));
        Assert.Equal("3", Str(server["HealthCheck"]!["Retry"]));
        Assert.Equal("10", Str(server["HealthCheck"]!["ConnectTimeout"]));
    }

    [Fact]
    public async Task Status_ReportsUpOnlyForEnabledServersOfRunningSimulatedServers()
    {
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """
            {"Appliance":{"Settings":{"LoadBalancer":[{"VirtualIPAddress":"203.0.113.104","Port":"80",
             "Servers":[{"IPAddress":"203.0.113.100","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"ping"}},
                        {"IPAddress":"203.0.113.101","Port":"80","Enabled":"False","HealthCheck":{"Protocol":"ping"}},
                        {"IPAddress":"203.0.113.102","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"tcp"}},
                        {"IPAddress":"203.0.113.109","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"ping"}}]}]}}}
            """));
        AssertOk(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers/113100000007/power", """{"status":"down"}"""));
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"));

        var status = await Sim.GetAsync($"/appliance/{id}/status");

        AssertOk(status);
        Assert.Equal(1, status.Json["Total"]!.GetValue<int>());
        var servers = status.Json["LoadBalancer"]![0]!["Servers"]!.AsArray();
        Assert.Equal(["UP", "DOWN", "DOWN", "DOWN"], servers.Select(s => Str(s!["Status"])));
        Assert.All(servers, s => Assert.Equal("0", Str(s!["ActiveConn"])));
        Assert.Equal("0", Str(status.Json["LoadBalancer"]![0]!["CPS"]));
    }

    [Fact]
    public async Task Status_WhenNotUp_Gets409()
    {
        AssertOk(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power"));

        AssertError(await Sim.GetAsync($"/appliance/{id}/status"), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Restart_RunsTheStoredSettings_EvenWithoutConfig()
    {
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "8080"))));
        Assert.Equal(["203.0.113.104:80"], await StatusVipsAsync());
        AssertOk(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power"));
        Sim.Advance(TimeSpan.FromSeconds(10));
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/power"));
        Sim.Advance(TimeSpan.FromSeconds(45));

        Assert.Equal(["203.0.113.104:8080"], await StatusVipsAsync());
    }

    [Fact]
    public async Task Reset_RunsTheStoredSettings()
    {
        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "8080"))));

        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/reset"));

        Assert.Equal(["203.0.113.104:8080"], await StatusVipsAsync());
    }

    [Fact]
    public async Task OutOfBandPowerOn_RunsTheStoredSettings_ButASeedUpWithSettingsNotApplied_StaysSo()
    {
        var body = """{"state":"up","settingsApplied":false,"appliance":""" + JsonNode.Parse(Bodies.CreateLoadBalancer(name: "planted", ip: "203.0.113.105", vip: "203.0.113.106"))!["Appliance"]!.ToJsonString() + "}";
        var planted = (await Sim.ControlAsync(HttpMethod.Post, "/_sim/appliances", body)).Json["ID"]!.GetValue<long>();
        Assert.Empty((await Sim.GetAsync($"/appliance/{planted}/status")).Json["LoadBalancer"]!.AsArray());

        AssertOk(await Sim.ControlAsync(HttpMethod.Post, $"/_sim/appliances/{planted}/power", """{"status":"down"}"""));
        AssertOk(await Sim.ControlAsync(HttpMethod.Post, $"/_sim/appliances/{planted}/power", """{"status":"up"}"""));

        Assert.Single((await Sim.GetAsync($"/appliance/{planted}/status")).Json["LoadBalancer"]!.AsArray());
    }
}
