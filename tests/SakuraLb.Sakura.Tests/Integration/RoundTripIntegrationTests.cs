using System.Net;
using System.Text.Json.Nodes;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Tests.Integration;

/// <summary>Every facade operation against the simulator over loopback HTTP.</summary>
public sealed class RoundTripIntegrationTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => sim.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetAuthStatus_ValidCredentials_Answers()
    {
        using var client = sim.CreateClient();

        var status = await client.Cloud.GetAuthStatusAsync(CancellationToken.None);

        Assert.NotNull(status);
    }

    [Fact]
    public async Task GetAuthStatus_WrongSecret_IsUnauthorized()
    {
        using var client = sim.CreateClient(o => o.AccessTokenSecret = "wrong");

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => client.Cloud.GetAuthStatusAsync(CancellationToken.None));

        Assert.Equal(SakuraErrorKind.Unauthorized, error.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("unauthorized", error.ErrorCode);
    }

    [Fact]
    public async Task FindRouterNetworks_DefaultTopology_GivesTheSwitchAndItsAssignableRange()
    {
        using var client = sim.CreateClient();

        var router = await LoadBalancerSteps.DefaultRouterAsync(client.Cloud);

        Assert.Equal("k8s-router", router.Name);
        Assert.Contains("@k8s", router.Tags);
        Assert.NotNull(router.InternetId);
        var subnet = Assert.IsType<RouterSubnet>(router.PrimarySubnet);
        Assert.Equal(28, subnet.NetworkMaskLen);
        Assert.Equal(IPAddress.Parse("203.0.113.96"), subnet.NetworkAddress);
        Assert.Equal(IPAddress.Parse("203.0.113.97"), subnet.DefaultRoute);
        Assert.Equal(IPAddress.Parse("203.0.113.100"), subnet.AssignableMin);
        Assert.Equal(IPAddress.Parse("203.0.113.110"), subnet.AssignableMax);

        var byName = await client.Cloud.FindRouterNetworksAsync(new RouterQuery("k8s-router"), CancellationToken.None);
        Assert.Equal(router.SwitchId, Assert.Single(byName).SwitchId);
        Assert.Empty(await client.Cloud.FindRouterNetworksAsync(new RouterQuery("k8s-route"), CancellationToken.None));
        Assert.Empty(await client.Cloud.FindRouterNetworksAsync(new RouterQuery(Tags: ["@k8s", "@other"]), CancellationToken.None));

        var bySwitch = await client.Cloud.GetRouterNetworkBySwitchIdAsync(router.SwitchId, CancellationToken.None);
        Assert.Equal(router.InternetId, bySwitch?.InternetId);
        Assert.Equal(subnet, bySwitch?.PrimarySubnet);
        Assert.Null(await client.Cloud.GetRouterNetworkBySwitchIdAsync(999999999999, CancellationToken.None));
    }

    [Fact]
    public async Task FindServersByNames_ExactMatchOnly()
    {
        using var client = sim.CreateClient();
        await sim.PostAsync("servers", new JsonObject { ["zone"] = "is1a", ["name"] = "worker010" });

        var servers = await client.Cloud.FindServersByNamesAsync(["worker01", "worker03", "nope"], CancellationToken.None);

        Assert.Equal(["worker01", "worker03"], servers.Select(s => s.Name));
        Assert.Equal("203.0.113.100", servers[0].Interfaces[0].UserIPAddress);
        Assert.Equal(InstanceStatus.Up, servers[0].InstanceStatus);
        Assert.Equal("is1a", servers[0].Zone?.Name);
    }

    [Fact]
    public async Task ListServersOnSwitch_MoreThanAPage_PagesUntilEveryServer()
    {
        using var client = sim.CreateClient(o => o.PageSize = 100);
        var created = await sim.PostAsync("switches", new JsonObject { ["zone"] = "is1a", ["name"] = "big-switch" });
        var switchId = (long)created!["ID"]!;
        for (var i = 0; i < 230; i++)
        {
            await sim.PostAsync("servers", new JsonObject { ["zone"] = "is1a", ["name"] = $"node-{i:D3}", ["switchId"] = switchId });
        }

        await sim.ClearRequestsAsync();

        var servers = await client.Cloud.ListServersOnSwitchAsync(switchId, CancellationToken.None);
        var byName = await client.Cloud.FindServersByNamesAsync([.. Enumerable.Range(0, 230).Select(i => $"node-{i:D3}")], CancellationToken.None);

        Assert.Equal(230, servers.Count);
        Assert.Equal(230, servers.Select(s => s.Id).Distinct().Count());
        Assert.Equal(230, byName.Count);
        var pages = (await sim.RequestsAsync()).Where(r => r.Path == $"/switch/{switchId}/server").ToList();
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal(200, p.Status));
        Assert.Equal([0, 100, 200], pages.Select(p => (int)JsonNode.Parse(p.Query!)!["From"]!));
    }

    [Fact]
    public async Task LoadBalancer_FullLifecycle_RoundTrips()
    {
        using var client = sim.CreateClient();
        var cloud = client.Cloud;
        string[] tags = ["@k8s", "@k8s.ClusterID=c1", "@k8s.Service=web"];

        // Create, then wait until it has booted by itself.
        var (created, vip) = await LoadBalancerSteps.CreateAsync(cloud, "a0123456789abcdef0123456789abcde", tags, vrid: 1);
        Assert.True(created.Id > 0);
        Assert.Equal("loadbalancer", created.Class);
        var up = await LoadBalancerSteps.WaitUntilUpAsync(cloud, created.Id);
        Assert.NotNull(up);
        var router = await LoadBalancerSteps.DefaultRouterAsync(cloud);
        Assert.Equal(router.SwitchId, up.Switch?.Id);
        Assert.Equal(router.SwitchId, up.Remark?.Switch?.Id);
        Assert.Equal(1, up.Remark?.Vrrp?.Vrid);
        Assert.Equal(28, up.Remark?.Network?.NetworkMaskLen);
        Assert.Equal(1, up.Plan?.Id);
        Assert.Equal(tags.Order(StringComparer.Ordinal), up.Tags.Order(StringComparer.Ordinal));
        Assert.Empty(up.VirtualIPAddresses);

        // Settings: one VIP with two workers, sent with the hash just read, then applied.
        var updated = await cloud.UpdateLoadBalancerSettingsAsync(
            created.Id,
            new LoadBalancerSettingsUpdate
            {
                VirtualIPAddresses = [LoadBalancerSteps.Vip(vip, 80, "203.0.113.100", "203.0.113.101")],
                SettingsHash = up.SettingsHash,
            },
            CancellationToken.None);
        var stored = Assert.Single(updated.VirtualIPAddresses);
        Assert.Equal(vip, stored.VirtualIPAddress);
        Assert.Equal(80, stored.Port);
        Assert.Equal(["203.0.113.100", "203.0.113.101"], stored.Servers.Select(s => s.IPAddress));
        Assert.All(stored.Servers, s => Assert.True(s.Enabled));
        Assert.NotEqual(up.SettingsHash, updated.SettingsHash);
        await cloud.ApplyConfigAsync(created.Id, CancellationToken.None);

        var status = await Poll.UntilAsync(
            () => cloud.GetLoadBalancerStatusAsync(created.Id, CancellationToken.None),
            s => s.Count == 1 && s[0].Servers.Count == 2,
            "status to show the applied VIP");
        Assert.Equal(vip, status[0].VirtualIPAddress);
        Assert.Equal(80, status[0].Port);

        // Finds: by tags (AND), by name, and on the switch.
        var byTags = await cloud.FindLoadBalancersByTagsAsync(["@k8s", "@k8s.ClusterID=c1"], CancellationToken.None);
        Assert.Equal([created.Id], byTags.Select(a => a.Id));
        Assert.Single(Assert.Single(byTags).VirtualIPAddresses);
        Assert.Empty(await cloud.FindLoadBalancersByTagsAsync(["@k8s", "@k8s.ClusterID=c2"], CancellationToken.None));
        var byName = await cloud.FindLoadBalancersByNameAsync("a0123456789abcdef0123456789abcde", CancellationToken.None);
        Assert.Equal([created.Id], byName.Select(a => a.Id));
        Assert.Empty(await cloud.FindLoadBalancersByNameAsync("a0123456789abcdef0123456789abcd", CancellationToken.None));
        var onSwitch = await cloud.ListAppliancesOnSwitchAsync(router.SwitchId, CancellationToken.None);
        Assert.Contains(onSwitch, a => a.Id == created.Id);

        // Deleting while up is refused with its own kind; shut down, wait, delete, and delete again.
        var refused = await Assert.ThrowsAsync<SakuraApiException>(() => cloud.DeleteApplianceAsync(created.Id, CancellationToken.None));
        Assert.Equal(SakuraErrorKind.PowerMustBeDown, refused.Kind);
        await cloud.ShutdownAsync(created.Id, force: true, CancellationToken.None);
        await Poll.UntilAsync(
            () => cloud.GetApplianceAsync(created.Id, CancellationToken.None),
            a => a?.InstanceStatus == InstanceStatus.Down,
            "the LB to be down");
        Assert.True(await cloud.DeleteApplianceAsync(created.Id, CancellationToken.None));
        Assert.Null(await cloud.GetApplianceAsync(created.Id, CancellationToken.None));
        Assert.False(await cloud.DeleteApplianceAsync(created.Id, CancellationToken.None));
    }

    [Fact]
    public async Task FindLoadBalancersByTags_IsAnAnd_NotAnOr_AcrossPages()
    {
        using var client = sim.CreateClient(o => o.PageSize = 1);
        var (a, _) = await LoadBalancerSteps.CreateAsync(client.Cloud, "lb-a", ["@k8s", "@k8s.ClusterID=c1"], vrid: 1);
        var (b, _) = await LoadBalancerSteps.CreateAsync(client.Cloud, "lb-b", ["@k8s", "@k8s.ClusterID=c2"], vrid: 2);
        var (c, _) = await LoadBalancerSteps.CreateAsync(client.Cloud, "lb-c", ["@k8s.ClusterID=c1"], vrid: 3);

        var both = await client.Cloud.FindLoadBalancersByTagsAsync(["@k8s", "@k8s.ClusterID=c1"], CancellationToken.None);
        var anyK8s = await client.Cloud.FindLoadBalancersByTagsAsync(["@k8s"], CancellationToken.None);

        Assert.Equal([a.Id], both.Select(x => x.Id));
        Assert.Equal([a.Id, b.Id], anyK8s.Select(x => x.Id).Order());
        Assert.DoesNotContain(c.Id, anyK8s.Select(x => x.Id));
        var query = (await sim.RequestsAsync()).Last(r => r.Path == "/appliance" && r.Method == "GET").Query!;
        Assert.Equal(JsonValueKindArrayOfArrays, Kind(JsonNode.Parse(query)!["Filter"]!["Tags.Name"]!));
    }

    [Fact]
    public async Task CreateLoadBalancer_HaPair_HighSpec_IsStoredAsRequested()
    {
        using var client = sim.CreateClient();
        var router = await LoadBalancerSteps.DefaultRouterAsync(client.Cloud);
        var free = await LoadBalancerSteps.FreeAddressesAsync(client.Cloud, router);

        var created = await client.Cloud.CreateLoadBalancerAsync(
            new LoadBalancerCreateRequest
            {
                Name = "lb-ha",
                Plan = LoadBalancerPlan.HighSpec,
                SwitchId = router.SwitchId,
                Vrid = 7,
                NetworkMaskLen = 28,
                DefaultRoute = router.PrimarySubnet!.DefaultRoute.ToString(),
                IPAddresses = [free[0], free[1]],
                VirtualIPAddresses = [LoadBalancerSteps.Vip(free[2], 443, "203.0.113.100")],
            },
            CancellationToken.None);
        var read = await LoadBalancerSteps.WaitUntilUpAsync(client.Cloud, created.Id);

        Assert.Equal([free[0], free[1]], read!.Remark!.Servers.Select(s => s.IPAddress));
        Assert.Equal(2, read.Plan?.Id);
        Assert.Equal(7, read.Remark.Vrrp?.Vrid);
        Assert.Equal(443, Assert.Single(read.VirtualIPAddresses).Port);
        var after = await LoadBalancerSteps.FreeAddressesAsync(client.Cloud, router);
        Assert.DoesNotContain(free[0], after);
        Assert.DoesNotContain(free[2], after);
    }

    [Fact]
    public async Task GetAppliance_Unknown_IsNullThroughTheFacade_AndNotFoundThroughTheApi()
    {
        using var client = sim.CreateClient();

        Assert.Null(await client.Cloud.GetApplianceAsync(123456789012, CancellationToken.None));
        var error = await Assert.ThrowsAsync<SakuraApiException>(() => client.Api.GetApplianceAsync(123456789012, CancellationToken.None));
        Assert.Equal(SakuraErrorKind.NotFound, error.Kind);
        Assert.Equal("not_found", error.ErrorCode);
        Assert.False(string.IsNullOrEmpty(error.Serial));

        // Accept-Language: en asks for English messages; the API answers in Japanese otherwise.
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorMessage));
        Assert.All(error.ErrorMessage, c => Assert.True(c < 0x3000, $"non-English message: {error.ErrorMessage}"));
    }

    private const string JsonValueKindArrayOfArrays = "[[...]]";

    private static string Kind(JsonNode node) =>
        node is JsonArray outer && outer.Count == 1 && outer[0] is JsonArray ? JsonValueKindArrayOfArrays : node.ToJsonString();
}
