namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// Private load balancers on a plain switch (load-balancer-type switch) end to end, with the original controller's
/// three examples from examples/: the simulator's default topology plus a plain switch tagged @k8s on which the
/// workers have a second NIC, as the sandbox has it.
/// </summary>
public sealed class SwitchScenarioTests
{
    private static readonly string[] PrivateAddresses = ["10.240.0.11", "10.240.0.12", "10.240.0.13"];

    /// <summary>The sandbox's private network: a plain switch tagged for the cluster (@k8s and its cluster tag) and a second NIC of every worker on it.</summary>
    internal static async Task<long> AddPrivateSwitchAsync(TestApp app)
    {
        var switchId = await app.Sim.AddSwitchAsync("k8s-private", app.RouterTags);
        for (var i = 0; i < Topology.WorkerIds.Count; i++)
        {
            await app.Sim.AddInterfaceAsync(Topology.WorkerIds[i], switchId, PrivateAddresses[i]);
        }

        return switchId;
    }

    private static bool InPool(string address) =>
        address.StartsWith("10.240.100.", StringComparison.Ordinal) && address is not ("10.240.100.0" or "10.240.100.255");

    [Fact]
    public async Task OriginalSwitchExamples_EachGetAPrivateLbOnThePlainSwitch_AndDeletingThemFreesEverything()
    {
        await using var app = await TestApp.StartAsync();
        var switchId = await AddPrivateSwitchAsync(app);
        var services = new[] { "with-switch.yaml", "with-switch-loadBalancerIP.yaml", "with-switch-HA.yaml" }.Select(ExampleManifests.Service).ToArray();

        await app.PostEventsAsync(services, Snapshots.DefaultNodes());
        var statuses = new List<StatusRecordView>();
        foreach (var service in services)
        {
            var status = (await app.WaitSettledAsync(service.Uid)).Status;
            statuses.Add(new StatusRecordView(service.Name, status.Phase, status.ReasonCode, Assert.Single(status.IngressIps)));
        }

        Assert.All(statuses, s => Assert.Equal((ServicePhase.Ready, ReasonCodes.Ready), (s.Phase, s.Reason)));
        Assert.All(statuses, s => Assert.True(InPool(s.Ip), $"{s.Name}'s VIP {s.Ip} is from the pool 10.240.100.0/24"));
        Assert.Equal("10.240.100.50", statuses[1].Ip);
        Assert.Equal(3, statuses.Select(s => s.Ip).Distinct().Count());

        var lbs = await app.Sim.LoadBalancersAsync();
        Assert.Equal(3, lbs.Count);
        foreach (var lb in lbs)
        {
            Assert.Equal((switchId, 16, "10.240.0.1"), (lb.Network.SwitchId, lb.Network.NetworkMaskLen, lb.Network.DefaultRoute));
            Assert.All(lb.IpAddresses, ip => Assert.True(InPool(ip), $"own address {ip} is from the pool"));
            var vip = Assert.Single(lb.StoredSettings);
            Assert.Equal(PrivateAddresses, vip!["Servers"]!.AsArray().Select(s => (string)s!["IPAddress"]!).Order(StringComparer.Ordinal));
            Assert.Equal(lb.StoredSettings.ToJsonString(), lb.AppliedSettings?.ToJsonString());
        }

        var ha = lbs.Single(l => l.Vips.Single() == statuses[2].Ip);
        Assert.Equal((2, 2), (ha.IpAddresses.Count, ha.Network.PlanId));
        var everyAddress = lbs.SelectMany(l => l.IpAddresses.Concat(l.Vips)).ToList();
        Assert.Equal(everyAddress.Count, everyAddress.Distinct().Count());
        var reserved = await app.Reservations.ListBySwitchAsync(switchId, default);
        Assert.Equal(everyAddress.Order(StringComparer.Ordinal), reserved.Select(r => r.Address.ToString()).Order(StringComparer.Ordinal));

        // The timer plans them in memory with the same rules: nothing to start.
        Assert.Empty((await app.ResyncAsync(collectOrphans: false)).Started);

        await app.PostEventsAsync([.. services.Select(s => Snapshots.Deleting(s, "2"))]);
        foreach (var service in services)
        {
            Assert.Equal(ServicePhase.Deleted, (await app.WaitSettledAsync(service.Uid)).Status.Phase);
        }

        Assert.Empty(await app.Sim.LoadBalancersAsync());
        Assert.Empty(await app.Reservations.ListBySwitchAsync(switchId, default));
    }

    [Fact]
    public async Task NodeWithoutANicOnTheSwitch_IsReportedAndLeftOut_ThenJoinsWhenConnected()
    {
        await using var app = await TestApp.StartAsync();
        var switchId = await AddPrivateSwitchAsync(app);
        var worker04 = await app.Sim.AddServerAsync("worker04", "203.0.113.110");
        var service = ExampleManifests.Service("private-service.yaml");
        var nodes = Snapshots.Nodes("1", [.. Topology.Workers, ("worker04", "203.0.113.110")]);

        await app.PostEventsAsync([service], nodes);
        var status = (await app.WaitSettledAsync(service.Uid)).Status;

        Assert.Equal(ServicePhase.Ready, status.Phase);
        var warning = Assert.Single(status.Warnings ?? []);
        Assert.Equal(ReasonCodes.NodeNotOnSwitch, warning.ReasonCode);
        Assert.EndsWith(": worker04", warning.Message, StringComparison.Ordinal);
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Equal(PrivateAddresses, lb.StoredSettings.Single()!["Servers"]!.AsArray().Select(s => (string)s!["IPAddress"]!).Order(StringComparer.Ordinal));
        Assert.Null(lb.Network.DefaultRoute);

        await app.Sim.AddInterfaceAsync(worker04, switchId, "10.240.0.14");
        await app.ResyncAsync(collectOrphans: false);
        await app.WaitIdleAsync(["svc-" + service.Uid]);
        status = (await app.WaitSettledAsync(service.Uid)).Status;

        Assert.Null(status.Warnings);
        lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Equal([.. PrivateAddresses, "10.240.0.14"], lb.StoredSettings.Single()!["Servers"]!.AsArray().Select(s => (string)s!["IPAddress"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SwitchServiceWithoutAPlainSwitch_FailsWithSwitchNotFound_AndAnInternetServiceIsUnaffected()
    {
        await using var app = await TestApp.StartAsync();
        var privateService = ExampleManifests.Service("private-service.yaml");
        var internet = Snapshots.Service(Snapshots.NewUid(), "web", [80]);

        await app.PostEventsAsync([privateService, internet], Snapshots.DefaultNodes());
        var failed = (await app.WaitSettledAsync(privateService.Uid)).Status;
        var ready = (await app.WaitSettledAsync(internet.Uid)).Status;

        Assert.Equal((ServicePhase.Failed, ReasonCodes.SwitchNotFound), (failed.Phase, failed.ReasonCode));
        Assert.Equal(ServicePhase.Ready, ready.Phase);
        Assert.StartsWith("203.0.113.", Assert.Single(ready.IngressIps), StringComparison.Ordinal);
        Assert.Single(await app.Sim.LoadBalancersAsync());
    }

    private sealed record StatusRecordView(string Name, ServicePhase Phase, string? Reason, string Ip);
}
