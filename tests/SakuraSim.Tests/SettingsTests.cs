using System.Net;
using System.Text.Json.Nodes;
using static SakuraSim.Tests.TestSupport;

namespace SakuraSim.Tests;

/// <summary>Stored vs applied settings, SettingsHash and update rules.</summary>
public sealed class SettingsTests : IAsyncLifetime
{
    private SimHarness sim = null!;
    private long id;

    public async Task InitializeAsync()
    {
        sim = await SimHarness.StartAsync();
        id = CreatedId(await sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        sim.Advance(TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync() => await sim.DisposeAsync();

    private async Task<JsonNode> ReadAsync() => (await sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;

    private async Task<JsonObject> SimStateAsync() =>
        (await sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["appliances"]!.AsArray().Single()!.AsObject();

    private async Task<List<string>> StatusVipsAsync()
    {
        var status = await sim.GetAsync($"/appliance/{id}/status");
        AssertOk(status);
        return status.Json["LoadBalancer"]!.AsArray().Select(v => $"{Str(v!["VirtualIPAddress"])}:{Str(v["Port"])}").ToList();
    }

    [Fact]
    public async Task CreateSettings_AreStoredButNotApplied_UntilConfig()
    {
        Assert.Empty(await StatusVipsAsync());
        Assert.False((await SimStateAsync())["settingsApplied"]!.GetValue<bool>());

        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"));

        Assert.Equal(["203.0.113.104:80"], await StatusVipsAsync());
        Assert.True((await SimStateAsync())["settingsApplied"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Update_ChangesStoredSettings_StatusKeepsAppliedOnes_UntilConfig()
    {
        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"));
        var hash = Str((await ReadAsync())["SettingsHash"]);

        var update = await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}",
            Bodies.UpdateSettings(Bodies.Settings(port: "443"), hash));

        AssertOk(update);
        Assert.True(update.Json["Success"]!.GetValue<bool>());
        Assert.Equal("443", Str(update.Json["Appliance"]!["Settings"]!["LoadBalancer"]![0]!["Port"]));
        Assert.NotEqual(hash, Str(update.Json["Appliance"]!["SettingsHash"]));
        Assert.Equal(["203.0.113.104:80"], await StatusVipsAsync());
        var state = await SimStateAsync();
        Assert.Equal("443", Str(state["storedSettings"]![0]!["Port"]));
        Assert.Equal("80", Str(state["appliedSettings"]![0]!["Port"]));

        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"));
        Assert.Equal(["203.0.113.104:443"], await StatusVipsAsync());
    }

    [Fact]
    public async Task Update_WithStaleSettingsHash_Gets409Conflict_AndChangesNothing()
    {
        var stale = Str((await ReadAsync())["SettingsHash"]);
        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "8080"))));

        var result = await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}",
            Bodies.UpdateSettings(Bodies.Settings(port: "9090"), stale));

        AssertError(result, HttpStatusCode.Conflict, "conflict");
        Assert.Equal("8080", Str((await ReadAsync())["Settings"]!["LoadBalancer"]![0]!["Port"]));
    }

    [Fact]
    public async Task Update_WithoutSettingsLoadBalancer_KeepsVips_AndEmptyListRemovesThem()
    {
        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """{"Appliance":{"Description":"renamed","Settings":{}}}"""));
        var kept = await ReadAsync();
        Assert.Equal("renamed", Str(kept["Description"]));
        Assert.Single(kept["Settings"]!["LoadBalancer"]!.AsArray());

        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """{"Appliance":{"Settings":{"LoadBalancer":[]}}}"""));
        Assert.Empty((await ReadAsync())["Settings"]!["LoadBalancer"]!.AsArray());
    }

    [Fact]
    public async Task Update_WithWholeObjectAsRead_IgnoresReadOnlyFields()
    {
        // The Sakura cloud-controller-manager PUTs back the whole object it read, Instance, Interfaces and all.
        var read = (await ReadAsync()).AsObject();
        read["Settings"] = JsonNode.Parse(Bodies.Settings(port: "8443"));
        read["Tags"] = new JsonArray("@k8s", "extra");

        var result = await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", new JsonObject { ["Appliance"] = read.DeepClone() }.ToJsonString());

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
        var message = AssertError(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.Update(appliance)),
            HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains(field, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_NumbersAndBoolsSentAsJsonTypes_ComeBackAsStrings()
    {
        var result = await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """
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
        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """
            {"Appliance":{"Settings":{"LoadBalancer":[{"VirtualIPAddress":"203.0.113.104","Port":"80",
             "Servers":[{"IPAddress":"203.0.113.100","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"ping"}},
                        {"IPAddress":"203.0.113.101","Port":"80","Enabled":"False","HealthCheck":{"Protocol":"ping"}},
                        {"IPAddress":"203.0.113.102","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"tcp"}},
                        {"IPAddress":"203.0.113.109","Port":"80","Enabled":"True","HealthCheck":{"Protocol":"ping"}}]}]}}}
            """));
        AssertOk(await sim.ControlAsync(HttpMethod.Post, "/_sim/servers/113100000007/power", """{"status":"down"}"""));
        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"));

        var status = await sim.GetAsync($"/appliance/{id}/status");

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
        AssertOk(await sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power"));

        AssertError(await sim.GetAsync($"/appliance/{id}/status"), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task AppliedSettings_SurviveARestart()
    {
        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"));
        AssertOk(await sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power"));
        sim.Advance(TimeSpan.FromSeconds(10));
        AssertOk(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/power"));
        sim.Advance(TimeSpan.FromSeconds(45));

        Assert.Equal(["203.0.113.104:80"], await StatusVipsAsync());
    }
}
