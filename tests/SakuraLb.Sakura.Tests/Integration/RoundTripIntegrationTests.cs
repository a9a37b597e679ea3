using SakuraLb.Reconcile.Desired;

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
    public async Task FindRouters_DefaultTopology_GivesTheSwitchItsBlockAndAssignableRange()
    {
        using var client = sim.CreateClient();

        var router = await LoadBalancerSteps.DefaultRouterAsync(client.Cloud);

        Assert.Equal("k8s-router", router.Name);
        Assert.Contains("@k8s", router.Tags);
        Assert.NotEqual(0, router.Id);
        Assert.Equal("203.0.113.96/28", router.Block.ToString());
        Assert.Equal(Ipv4Address.Parse("203.0.113.97"), router.DefaultRoute);
        Assert.Equal(Ipv4Address.Parse("203.0.113.100"), router.AssignableRange.First);
        Assert.Equal(Ipv4Address.Parse("203.0.113.110"), router.AssignableRange.Last);

        var byName = await client.Cloud.FindRoutersAsync(new RouterQuery("k8s-router"), CancellationToken.None);
        Assert.Equal(router.SwitchId, Assert.Single(byName).SwitchId);
        Assert.Empty(await client.Cloud.FindRoutersAsync(new RouterQuery("k8s-route"), CancellationToken.None));
        Assert.Empty(await client.Cloud.FindRoutersAsync(new RouterQuery(Tags: ["@k8s", "@other"]), CancellationToken.None));

        var bySwitch = await client.Cloud.GetRouterBySwitchIdAsync(router.SwitchId, CancellationToken.None);
        Assert.Equal(router.Id, bySwitch?.Id);
        Assert.Equal((router.Block, router.AssignableRange), (bySwitch?.Block, bySwitch?.AssignableRange));
        Assert.Null(await client.Cloud.GetRouterBySwitchIdAsync(999999999999, CancellationToken.None));
    }

    [Fact]
    public async Task ListServers_EveryPage_WithZonePlanPowerAndNicKinds()
    {
        using var client = sim.CreateClient(o => o.PageSize = 2);
        await sim.PostAsync("servers", new JsonObject { ["zone"] = "is1a", ["name"] = "bare", ["interfaces"] = new JsonArray(), ["status"] = "down" });
        await sim.PostAsync("servers", new JsonObject
        {
            ["zone"] = "is1a",
            ["name"] = "edge",
            ["sharedSegment"] = true,
            ["plan"] = new JsonObject { ["cpu"] = 4, ["memoryMB"] = 16384, ["commitment"] = "dedicatedcpu" },
        });
        await sim.PostAsync("servers", new JsonObject { ["zone"] = "is1a", ["name"] = "worker01" });
        await sim.PostAsync("servers", new JsonObject { ["zone"] = "is1b", ["name"] = "elsewhere" });
        await sim.ClearRequestsAsync();

        var servers = await client.Cloud.ListServersAsync(CancellationToken.None);

        Assert.Equal(["worker01", "worker02", "worker03", "bare", "edge", "worker01"], servers.Select(s => s.Name));
        Assert.Equal(3, (await sim.RequestsAsync()).Count(r => r.Method == "GET" && r.Path == "/server"));
        var worker = servers[0];
        Assert.Equal(("is1a", InstanceStatus.Up), (worker.Zone, worker.PowerState));
        Assert.Equal(new CloudServerPlan { Cpu = 2, MemoryMB = 4096, Gpu = 0, Generation = 200, Commitment = "standard" }, worker.Plan);
        Assert.Equal(("203.0.113.100", false), (worker.Nics[0].Address, worker.Nics[0].SharedSegment));
        Assert.Equal("worker01", worker.HostName);
        var bare = servers[3];
        Assert.Equal((InstanceStatus.Down, 0), (bare.PowerState, bare.Nics.Count));
        var edge = servers[4];
        Assert.True(edge.Nics[0].SharedSegment);
        Assert.StartsWith("100.127.1.", edge.Nics[0].Address, StringComparison.Ordinal);
        Assert.Equal(("dedicatedcpu", 4, 16384), (edge.Plan!.Commitment, edge.Plan.Cpu, edge.Plan.MemoryMB));
    }

    [Fact]
    public async Task FindServersByNames_ExactMatchOnly()
    {
        using var client = sim.CreateClient();
        await sim.PostAsync("servers", new JsonObject { ["zone"] = "is1a", ["name"] = "worker010" });

        var servers = await client.Cloud.FindServersByNamesAsync(["worker01", "worker03", "nope"], CancellationToken.None);

        Assert.Equal(["worker01", "worker03"], servers.Select(s => s.Name));
        Assert.Equal("203.0.113.100", servers[0].Nics[0].UserIPAddress);
        var wire = Assert.Single((await client.Api.FindServersAsync(
            new SearchRequest { Filter = new SearchFilter().ExactAny("Name", ["worker01"]).Build() }, CancellationToken.None)).Servers);
        Assert.Equal(InstanceStatus.Up, wire.InstanceStatus);
        Assert.Equal("is1a", wire.Zone?.Name);
    }

    [Fact]
    public async Task ReadSwitch_MoreThanAPage_PagesUntilEveryServer()
    {
        using var client = sim.CreateClient(o => o.PageSize = 100);
        var created = await sim.PostAsync("switches", new JsonObject { ["zone"] = "is1a", ["name"] = "big-switch" });
        var switchId = (long)created!["ID"]!;
        for (var i = 0; i < 230; i++)
        {
            await sim.PostAsync("servers", new JsonObject { ["zone"] = "is1a", ["name"] = $"node-{i:D3}", ["switchId"] = switchId });
        }

        await sim.ClearRequestsAsync();
        var plain = new RouterNetwork
        {
            SwitchId = switchId,
            Block = new Ipv4Block(Ipv4Address.Parse("192.168.0.0"), 24),
            DefaultRoute = Ipv4Address.Parse("192.168.0.1"),
            AssignableRange = new Ipv4Range(Ipv4Address.Parse("192.168.0.10"), Ipv4Address.Parse("192.168.0.250")),
        };

        var view = await client.Cloud.ReadSwitchAsync(plain, CancellationToken.None);
        var byName = await client.Cloud.FindServersByNamesAsync([.. Enumerable.Range(0, 230).Select(i => $"node-{i:D3}")], CancellationToken.None);

        Assert.Equal(230, view.Servers.Count);
        Assert.Equal(230, view.Servers.Select(s => s.Id).Distinct().Count());
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
        var up = await LoadBalancerSteps.WaitUntilUpAsync(cloud, created.Id);
        Assert.NotNull(up);
        var router = await LoadBalancerSteps.DefaultRouterAsync(cloud);
        Assert.Equal(router.SwitchId, up.SwitchId);
        Assert.Equal(1, up.Vrid);
        Assert.Equal(28, up.NetworkMaskLen);
        Assert.Equal(1, up.PlanId);
        Assert.Equal(tags.Order(StringComparer.Ordinal), up.Tags.Order(StringComparer.Ordinal));
        Assert.Empty(up.Vips);
        var wire = (await client.Api.GetApplianceAsync(created.Id, CancellationToken.None)).Appliance!;
        Assert.Equal(("loadbalancer", router.SwitchId, router.SwitchId), (wire.Class, wire.Switch?.Id, wire.Remark?.Switch?.Id));

        // Settings: one VIP with two workers, sent with the hash just read, then applied.
        var updated = await cloud.UpdateSettingsAsync(
            created.Id, [LoadBalancerSteps.Vip(vip, 80, "203.0.113.100", "203.0.113.101")], up.SettingsHash, CancellationToken.None);
        var stored = Assert.Single(updated.Vips);
        Assert.Equal(vip.ToString(), stored.VirtualIPAddress);
        Assert.Equal("80", stored.Port);
        Assert.Equal(["203.0.113.100", "203.0.113.101"], stored.Servers.Select(s => s.IPAddress));
        Assert.All(stored.Servers, s => Assert.Equal("True", s.Enabled));
        Assert.NotEqual(up.SettingsHash, updated.SettingsHash);
        await cloud.ApplyConfigAsync(created.Id, CancellationToken.None);

        var health = await Eventually.UntilAsync(
            () => cloud.GetLoadBalancerHealthAsync(created.Id, CancellationToken.None),
            s => s.Count == 1 && s[0].Servers.Count == 2,
            "status to show the applied VIP");
        Assert.Equal(vip.ToString(), health[0].VirtualIPAddress);
        Assert.Equal(80, health[0].Port);

        // Tags: replaced, while the VIP list stays as it is.
        string[] retagged = ["@k8s", "@k8s.ClusterID=c1", "@k8s.Service=web2"];
        var afterTags = await cloud.UpdateTagsAsync(created.Id, retagged, "default/web2", CancellationToken.None);
        Assert.Equal(retagged, afterTags.Tags.Order(StringComparer.Ordinal));
        Assert.Equal("default/web2", afterTags.Description);
        Assert.Equivalent(stored, Assert.Single(afterTags.Vips), strict: true);

        // Finds: by tags (AND), by name, and on the switch.
        var byTags = await cloud.FindLoadBalancersByTagsAsync(["@k8s", "@k8s.ClusterID=c1"], CancellationToken.None);
        Assert.Equal([created.Id], byTags.Select(a => a.Id));
        Assert.Single(Assert.Single(byTags).Vips);
        Assert.Empty(await cloud.FindLoadBalancersByTagsAsync(["@k8s", "@k8s.ClusterID=c2"], CancellationToken.None));
        var byName = await cloud.FindLoadBalancersByNameAsync("a0123456789abcdef0123456789abcde", CancellationToken.None);
        Assert.Equal([created.Id], byName.Select(a => a.Id));
        Assert.Empty(await cloud.FindLoadBalancersByNameAsync("a0123456789abcdef0123456789abcd", CancellationToken.None));
        var onSwitch = await cloud.ReadSwitchAsync(router, CancellationToken.None);
        Assert.Contains(onSwitch.LoadBalancers, a => a.Id == created.Id);
        Assert.Contains(vip, onSwitch.InUse);
        Assert.Contains(Ipv4Address.Parse(Assert.Single(up.OwnIps)), onSwitch.InUse);

        // Deleting while up is refused with its own kind; shut down, wait, delete, and delete again.
        var refused = await Assert.ThrowsAsync<SakuraApiException>(() => cloud.DeleteLoadBalancerAsync(created.Id, CancellationToken.None));
        Assert.Equal(SakuraErrorKind.PowerMustBeDown, refused.Kind);
        await cloud.ShutdownAsync(created.Id, force: true, CancellationToken.None);
        await LoadBalancerSteps.WaitForStatusAsync(cloud, created.Id, InstanceStatus.Down);
        Assert.True(await cloud.DeleteLoadBalancerAsync(created.Id, CancellationToken.None));
        Assert.Null(await cloud.GetLoadBalancerAsync(created.Id, CancellationToken.None));
        Assert.False(await cloud.DeleteLoadBalancerAsync(created.Id, CancellationToken.None));
        var gone = await Assert.ThrowsAsync<SakuraApiException>(() => cloud.UpdateTagsAsync(created.Id, retagged, "", CancellationToken.None));
        Assert.Equal(SakuraErrorKind.NotFound, gone.Kind);
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
    public async Task CreateLoadBalancer_HaPair_Premium_IsStoredAsRequested()
    {
        using var client = sim.CreateClient();
        var router = await LoadBalancerSteps.DefaultRouterAsync(client.Cloud);
        var free = await LoadBalancerSteps.FreeAddressesAsync(client.Cloud, router);

        var created = await client.Cloud.CreateLoadBalancerAsync(
            LoadBalancerSteps.Creation(
                router, "lb-ha", [], vrid: 7, [free[0], free[1]], free[2], [LoadBalancerSteps.Vip(free[2], 443, "203.0.113.100")], LoadBalancerPlan.Premium),
            CancellationToken.None);
        var read = await LoadBalancerSteps.WaitUntilUpAsync(client.Cloud, created.Id);

        Assert.Equal([free[0].ToString(), free[1].ToString()], read!.OwnIps);
        Assert.Equal(2, read.PlanId);
        Assert.Equal(7, read.Vrid);
        Assert.Equal("443", Assert.Single(read.Vips).Port);
        var after = await LoadBalancerSteps.FreeAddressesAsync(client.Cloud, router);
        Assert.DoesNotContain(free[0], after);
        Assert.DoesNotContain(free[2], after);
    }

    [Fact]
    public async Task GetLoadBalancer_Unknown_IsNullThroughTheFacade_AndNotFoundThroughTheApi()
    {
        using var client = sim.CreateClient();

        Assert.Null(await client.Cloud.GetLoadBalancerAsync(123456789012, CancellationToken.None));
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
