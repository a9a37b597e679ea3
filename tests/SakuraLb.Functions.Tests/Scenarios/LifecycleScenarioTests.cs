using SakuraLb.Reconcile.Observed;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>Create, change and delete one Service end to end: events → durable reconcile → simulator → status.</summary>
public sealed class LifecycleScenarioTests
{
    private static async Task<List<string>> WritesAsync(TestApp app) =>
        [.. (await app.Sim.RequestsAsync()).Where(r => r.IsWrite).Select(r => $"{r.Method} {r.Path}")];

    [Theory]
    [BothEngines]
    public async Task Create_TwoPortsThreeNodes_OneLbOneVipTwoEntriesThreeServersAndOnlyPlannedWrites(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var uid = Snapshots.NewUid();

        var (code, _) = await app.PostEventsAsync([Snapshots.Service(uid, "web", [80, 443])], Snapshots.DefaultNodes());
        var status = await app.WaitSettledAsync(uid);

        Assert.Equal(202, code);
        Assert.Equal(ServicePhase.Ready, status.Status.Phase);
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Equal("up", lb.Phase);
        var vip = Assert.Single(lb.Vips);
        Assert.Equal([vip], status.Status.IngressIps);
        Assert.Equal(2, lb.StoredSettings.Count);
        Assert.All(lb.StoredSettings, v => Assert.Equal(3, v!["Servers"]!.AsArray().Count));
        Assert.Equal(lb.StoredSettings.ToJsonString(), lb.AppliedSettings?.ToJsonString());
        Assert.Equal(["POST /appliance", $"PUT /appliance/{lb.Id}/config"], await WritesAsync(app));
        var feed = await app.StatusFeedAsync();
        var entry = Assert.Single(feed.Services);
        Assert.Equal((ServicePhase.Ready, "Ready", false), (entry.Phase, entry.ReasonCode, entry.FinalizerReleasable));
        Assert.Equal(2, (await app.Reservations.ListByOwnerAsync(uid, default)).Count);
    }

    [Theory]
    [BothEngines]
    public async Task Create_TakesItsAddressesOnce_InThePlanThatChoseThem(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine, services: s => s.AddStoreProbe<IReservationStore>());
        var uid = Snapshots.NewUid();
        var takes = 0;
        app.Get<StoreProbe<IReservationStore>>().After(nameof(IReservationStore.TryReserveAsync), (args, _) =>
        {
            if (((IReadOnlyList<AddressReservation>)args[0]!).Any(r => string.Equals(r.OwnerUid, uid, StringComparison.Ordinal)))
            {
                Interlocked.Increment(ref takes);
            }

            return false;
        });

        await app.PostEventsAsync([Snapshots.Service(uid, "web", [80, 443])], Snapshots.DefaultNodes());
        var status = await app.WaitSettledAsync(uid);

        Assert.Equal(ServicePhase.Ready, status.Status.Phase);
        Assert.Equal(1, Volatile.Read(ref takes));
        Assert.Equal(2, (await app.Reservations.ListByOwnerAsync(uid, default)).Count);
    }

    [Theory]
    [BothEngines]
    public async Task Changes_PortsHealthCheckAndNodes_EachGiveOneSettingsWriteAndOneApply(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var uid = Snapshots.NewUid();
        var service = Snapshots.Service(uid, "web", [80, 443], "1");
        await app.PostEventsAsync([service], Snapshots.DefaultNodes("1"));
        await app.WaitSettledAsync(uid);
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        var expected = new[] { $"PUT /appliance/{lb.Id}", $"PUT /appliance/{lb.Id}/config" };

        async Task<SimAppliance> ChangeAsync(IReadOnlyList<ServiceSnapshot>? services, NodeSetSnapshot? nodes)
        {
            await app.Sim.ClearRequestsAsync();
            await app.PostEventsAsync(services, nodes);
            await app.WaitSettledAsync(uid);
            if (nodes is not null)
            {
                await app.WaitIdleAsync(["svc-" + uid]);
            }

            Assert.Equal(expected, await WritesAsync(app));
            return Assert.Single(await app.Sim.LoadBalancersAsync());
        }

        var added = await ChangeAsync([service with { ResourceVersion = "2", Ports = [.. service.Ports, new ServicePortSnapshot { Port = 8080, NodePort = 31080 }] }], null);
        Assert.Equal(3, added.StoredSettings.Count);

        var removed = await ChangeAsync([service with { ResourceVersion = "3" }], null);
        Assert.Equal(["443", "80"], removed.StoredSettings.Select(v => (string)v!["Port"]!).Order());

        var tcp = await ChangeAsync(
            [service with { ResourceVersion = "4", Annotations = new Dictionary<string, string> { ["k8s.usacloud.jp/load-balancer-healthz-protocol"] = "tcp" } }], null);
        Assert.All(tcp.StoredSettings, v => Assert.All(v!["Servers"]!.AsArray(), s => Assert.Equal("tcp", (string)s!["HealthCheck"]!["Protocol"]!)));

        await app.Sim.AddServerAsync("worker04", "203.0.113.110");
        var grown = await ChangeAsync(null, Snapshots.Nodes("2", [.. Topology.Workers, ("worker04", "203.0.113.110")]));
        Assert.All(grown.StoredSettings, v => Assert.Equal(4, v!["Servers"]!.AsArray().Count));

        var shrunk = await ChangeAsync(null, Snapshots.Nodes("3", Topology.Workers.Take(2)));
        Assert.All(shrunk.StoredSettings, v => Assert.Equal(["203.0.113.100", "203.0.113.101"], v!["Servers"]!.AsArray().Select(s => (string)s!["IPAddress"]!)));
        Assert.Equal(shrunk.StoredSettings.ToJsonString(), shrunk.AppliedSettings?.ToJsonString());
    }

    [Theory]
    [BothEngines]
    public async Task Delete_ShutsDownDeletesReleasesAndReportsReleasable_AndDeletingAgainIsANoOp(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var uid = Snapshots.NewUid();
        var service = Snapshots.Service(uid, "web", [80], "1");
        await app.PostEventsAsync([service], Snapshots.DefaultNodes());
        await app.WaitSettledAsync(uid);
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        await app.Sim.ClearRequestsAsync();

        await app.PostEventsAsync([Snapshots.Deleting(service, "2")]);
        var deleted = await app.WaitSettledAsync(uid);

        Assert.Equal((ServicePhase.Deleted, true), (deleted.Status.Phase, deleted.Status.FinalizerReleasable));
        Assert.Empty(deleted.Status.IngressIps);
        Assert.Empty(await app.Sim.LoadBalancersAsync());
        Assert.Equal([$"DELETE /appliance/{lb.Id}/power", $"DELETE /appliance/{lb.Id}"], await WritesAsync(app));
        Assert.Empty(await app.Reservations.ListByOwnerAsync(uid, default));

        // The cleanup plans find the load balancer in the shared appliance list, not by searches of their own.
        Assert.DoesNotContain(await app.Sim.RequestsAsync(), r => r.Method == "GET" && r.Path == "/appliance"
            && Uri.UnescapeDataString(r.Query ?? "") is var query && (query.Contains("\"Name\"", StringComparison.Ordinal) || query.Contains("\"Tags.Name\"", StringComparison.Ordinal)));

        await app.Sim.ClearRequestsAsync();
        var (code, _) = await app.PostEventsAsync([Snapshots.Tombstone(service)]);
        var again = await app.WaitSettledAsync(uid);

        Assert.Equal(202, code);
        Assert.Equal(ServicePhase.Deleted, again.Status.Phase);
        Assert.Empty(await WritesAsync(app));
    }

    [Theory]
    [BothEngines]
    public async Task ClassMode_ServiceRetypedToClusterIP_LosesItsClassButItsLoadBalancerIsStillRemoved(DurableEngineKind engine)
    {
        const string OurClass = "sakura.cloud/lb";
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Controller:LoadBalancerClass"] = OurClass }, engine: engine);
        var uid = Snapshots.NewUid();
        var service = Snapshots.Service(uid, "web", [80], "1") with { LoadBalancerClass = OurClass };
        await app.PostEventsAsync([service], Snapshots.DefaultNodes());
        Assert.Equal(ServicePhase.Ready, (await app.WaitSettledAsync(uid)).Status.Phase);
        Assert.Single(await app.Sim.LoadBalancersAsync());

        // The API server clears spec.loadBalancerClass when the type leaves LoadBalancer.
        var (code, _) = await app.PostEventsAsync([service with { ResourceVersion = "2", Type = "ClusterIP", LoadBalancerClass = null }]);
        var cleaned = await app.WaitSettledAsync(uid);

        Assert.Equal(202, code);
        Assert.Equal((ServicePhase.Deleted, true), (cleaned.Status.Phase, cleaned.Status.FinalizerReleasable));
        Assert.Empty(await app.Sim.LoadBalancersAsync());
        Assert.Empty(await app.Reservations.ListByOwnerAsync(uid, default));
    }

    [Theory]
    [BothEngines]
    public async Task ClassMode_ServiceOfAnotherClassNeverReconciled_IsNotTouched(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Controller:LoadBalancerClass"] = "sakura.cloud/lb" }, engine: engine);
        var uid = Snapshots.NewUid();

        var (code, body) = await app.PostEventsAsync([Snapshots.Service(uid, "web", [80], "1") with { Type = "ClusterIP" }], Snapshots.DefaultNodes());

        Assert.Equal(202, code);
        Assert.DoesNotContain("svc-" + uid, body, StringComparison.Ordinal);
        Assert.Null(await app.Statuses.GetAsync(app.ClusterId, uid, default));
        Assert.Empty(await WritesAsync(app));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class TableStorageScenarioTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CreateAndDelete_WithTableStorageOnAzurite_WorkAsInMemory()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "Table",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
        });
        var uid = Snapshots.NewUid();
        var service = Snapshots.Service(uid, "web", [80]);

        await app.PostEventsAsync([service], Snapshots.DefaultNodes());
        var ready = await app.WaitSettledAsync(uid);
        var reserved = await app.Reservations.ListByOwnerAsync(uid, default);
        await app.PostEventsAsync([Snapshots.Deleting(service, "2")]);
        var deleted = await app.WaitSettledAsync(uid);

        Assert.Equal(ServicePhase.Ready, ready.Status.Phase);
        Assert.Equal(2, reserved.Count);
        Assert.Equal(ServicePhase.Deleted, deleted.Status.Phase);
        Assert.Empty(await app.Sim.LoadBalancersAsync());
        Assert.Empty(await app.Reservations.ListByOwnerAsync(uid, default));
    }
}
