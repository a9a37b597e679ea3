using System.Globalization;
using System.Text.Json;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Planning;

namespace SakuraLb.Sakura.Tests.Integration;

/// <summary>What a switch-type load balancer needs from the cloud, against the simulator: plain switches by tags, and their view.</summary>
public sealed class PlainSwitchIntegrationTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private static readonly long[] Workers = [113100000003, 113100000005, 113100000007];

    public Task InitializeAsync() => sim.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> AddSwitchAsync(string name, params string[] tags)
    {
        var created = await sim.PostAsync("switches", new JsonObject
        {
            ["zone"] = "is1a",
            ["name"] = name,
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]),
        });
        return (long)created!["ID"]!;
    }

    [Fact]
    public async Task FindSwitches_AllTagsInOneSearch_PlainSwitchesOnly()
    {
        using var client = sim.CreateClient(o => o.PageSize = 1);
        var privateSwitch = await AddSwitchAsync("k8s-private", "@k8s");
        var blue = await AddSwitchAsync("k8s-blue", "@k8s", "blue");
        await AddSwitchAsync("untagged");
        await AddSwitchAsync("blue-only", "blue");
        await sim.ClearRequestsAsync();

        var k8s = await client.Cloud.FindSwitchesAsync(["@k8s"], CancellationToken.None);
        var both = await client.Cloud.FindSwitchesAsync(["@k8s", "blue"], CancellationToken.None);

        Assert.Equal([(privateSwitch, "k8s-private"), (blue, "k8s-blue")], k8s.Select(s => (s.Id, s.Name)));
        Assert.Equal(["@k8s", "blue"], Assert.Single(both).Tags);
        var searches = (await sim.RequestsAsync()).Where(r => r.Path == "/switch").ToList();
        Assert.Equal(3, searches.Count);
        Assert.All(searches, r => Assert.Equal(JsonValueKind.Array, JsonNode.Parse(r.Query!)!["Filter"]!["Tags.Name"]![0]!.GetValueKind()));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Cloud.FindSwitchesAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task ReadSwitch_PlainSwitch_ServersAppliancesAndEveryAddressInTheServicesNetwork()
    {
        using var client = sim.CreateClient();
        var switchId = await AddSwitchAsync("k8s-private", "@k8s");
        for (var i = 0; i < Workers.Length; i++)
        {
            await sim.PostAsync($"servers/{Workers[i].ToString(CultureInfo.InvariantCulture)}/interfaces", new JsonObject { ["switchId"] = switchId, ["ipAddress"] = $"10.240.0.{11 + i}" });
        }

        await sim.PostAsync("appliances", new JsonObject
        {
            ["zone"] = "is1a",
            ["state"] = "up",
            ["appliance"] = JsonNode.Parse($$$$"""
                {"Class":"vpcrouter","Name":"vpc","Tags":[],"Plan":{"ID":2},
                 "Remark":{"Switch":{"ID":"{{{{switchId}}}}"},"VRRP":{"VRID":1},"Servers":[{"IPAddress":"10.240.0.2"},{"IPAddress":"10.240.0.3"}]},
                 "Interfaces":[{"Switch":{"ID":"{{{{switchId}}}}"}}],
                 "Settings":{"Router":{"VRID":1,"Interfaces":[{"IPAddress":["10.240.0.2","10.240.0.3"],"VirtualIPAddress":"10.240.0.1","IPAliases":["10.240.100.9"],"NetworkMaskLen":16}]}}}
                """),
        });
        var network = new SwitchRanges(new(Ipv4Address.Parse("10.240.0.0"), 16), new(Ipv4Address.Parse("10.240.100.0"), 24), null)
            .On(Assert.Single(await client.Cloud.FindSwitchesAsync(["@k8s"], CancellationToken.None)));
        var own = Ipv4Address.Parse("10.240.100.1");
        var vip = Ipv4Address.Parse("10.240.100.2");
        var created = await client.Cloud.CreateLoadBalancerAsync(
            new LoadBalancerCreation
            {
                Name = "a-private",
                Description = "default/private",
                Tags = ["@k8s"],
                SwitchId = network.SwitchId,
                NetworkMaskLen = network.Block.PrefixLength,
                DefaultRoute = network.Gateway,
                Vrid = 2,
                OwnAddresses = [own],
                Vip = vip,
                Settings = [LoadBalancerSteps.Vip(vip, 80, "10.240.0.11", "10.240.0.12", "10.240.0.13")],
            },
            CancellationToken.None);
        var up = await LoadBalancerSteps.WaitUntilUpAsync(client.Cloud, created.Id);

        var view = await client.Cloud.ReadSwitchAsync(network, CancellationToken.None);

        Assert.Equal((switchId, 16), (up!.SwitchId!.Value, up.NetworkMaskLen!.Value));
        Assert.Equal(["worker01", "worker02", "worker03"], view.Servers.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal(created.Id, Assert.Single(view.LoadBalancers).Id);
        Assert.Equal(
            ["10.240.0.1", "10.240.0.11", "10.240.0.12", "10.240.0.13", "10.240.0.2", "10.240.0.3", "10.240.100.1", "10.240.100.2", "10.240.100.9"],
            view.InUse.Select(a => a.ToString()).Order(StringComparer.Ordinal));
        var health = await Eventually.UntilAsync(
            () => client.Cloud.GetLoadBalancerHealthAsync(created.Id, CancellationToken.None),
            h => h.Count == 1 && h[0].Servers.Count == 3,
            "the private VIP's real servers in /status");
        Assert.All(health[0].Servers, s => Assert.True(s.IsUp, $"{s.IPAddress} is a real server on the load balancer's own switch"));
    }
}
