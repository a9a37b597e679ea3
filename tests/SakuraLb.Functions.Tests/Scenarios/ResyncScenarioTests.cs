using System.Globalization;
using Microsoft.DurableTask.Client;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>The resync pass: nothing differs → nothing written; drift corrected; orphans collected after the grace period.</summary>
public sealed class ResyncScenarioTests
{
    private static Task<List<ServiceSnapshot>> CreateAsync(TestApp app, int count) =>
        app.CreateServicesAsync([.. Enumerable.Range(0, count).Select(i => $"svc{i}")]);

    [Theory]
    [BothEngines]
    public async Task Resync_NothingDiffers_StartsNothingAndOnlyReads(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        await CreateAsync(app, 3);
        var before = (await app.Statuses.ListAsync(app.ClusterId, default)).Select(s => s.Status.UpdatedAt).ToList();
        await app.Sim.ClearRequestsAsync();

        var report = await app.ResyncAsync();

        Assert.Empty(report.Started);
        Assert.Equal((3, 0, 0, 0), (report.Checked, report.Behind, report.Drifted, report.Orphans));
        var requests = await app.Sim.RequestsAsync();
        Assert.All(requests, r => Assert.Equal("GET", r.Method));
        Assert.InRange(requests.Count, 1, 6);
        Assert.Equal(before, (await app.Statuses.ListAsync(app.ClusterId, default)).Select(s => s.Status.UpdatedAt));
    }

    [Theory]
    [BothEngines]
    public async Task Resync_SettingsChangedBehindOurBack_AreCorrected(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var service = (await CreateAsync(app, 1))[0];
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        var cloud = app.Get<ISakuraCloud>();
        var current = await cloud.GetLoadBalancerAsync(lb.Id, default);
        var oneServerEach = current!.Vips.Select(v => new VipSetting(
            Ipv4Address.Parse(v.VirtualIPAddress),
            int.Parse(v.Port, CultureInfo.InvariantCulture),
            int.Parse(v.DelayLoop!, CultureInfo.InvariantCulture),
            null,
            [.. v.Servers.Take(1).Select(r => new RealServerSetting(
                Ipv4Address.Parse(r.IPAddress),
                int.Parse(r.Port, CultureInfo.InvariantCulture),
                true,
                new HealthCheckSpec(Enum.Parse<HealthCheckProtocol>(r.HealthCheck!.Protocol!, ignoreCase: true))))])).ToList();
        await cloud.UpdateSettingsAsync(lb.Id, oneServerEach, settingsHash: null, default);
        await app.Sim.ClearRequestsAsync();

        var report = await app.ResyncAsync();
        await app.WaitIdleAsync(report.Started);
        await app.WaitSettledAsync(service.Uid);

        Assert.Equal(1, report.Drifted);
        Assert.Equal(["svc-" + service.Uid], report.Started);
        var fixedLb = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Equal(3, fixedLb.StoredSettings[0]!["Servers"]!.AsArray().Count);
        Assert.Equal(fixedLb.StoredSettings.ToJsonString(), fixedLb.AppliedSettings?.ToJsonString());
        Assert.Equal(
            [$"PUT /appliance/{lb.Id}", $"PUT /appliance/{lb.Id}/config"],
            (await app.Sim.RequestsAsync()).Where(r => r.IsWrite).Select(r => $"{r.Method} {r.Path}"));
    }

    [Theory]
    [BothEngines]
    public async Task Resync_LoadBalancerDeletedBehindOurBack_IsRecreatedWithTheSameVip(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var service = (await CreateAsync(app, 1))[0];
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        await app.Sim.DeleteApplianceAsync(lb.Id);

        var report = await app.ResyncAsync();
        await app.WaitIdleAsync(report.Started);
        var status = await app.WaitSettledAsync(service.Uid);

        Assert.Equal(1, report.Drifted);
        var recreated = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.NotEqual(lb.Id, recreated.Id);
        Assert.Equal(lb.Vips, recreated.Vips);
        Assert.Equal((ServicePhase.Ready, lb.Vips[0]), (status.Status.Phase, status.Status.IngressIps[0]));
    }

    internal static JsonObject Planted(string name, string address, params string[] tags) => new()
    {
        ["Class"] = "loadbalancer",
        ["Name"] = name,
        ["Tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]),
        ["Plan"] = new JsonObject { ["ID"] = 1 },
        ["Remark"] = new JsonObject
        {
            ["Switch"] = new JsonObject { ["ID"] = Topology.SwitchId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["VRRP"] = new JsonObject { ["VRID"] = 200 },
            ["Network"] = new JsonObject { ["NetworkMaskLen"] = 28, ["DefaultRoute"] = "203.0.113.97" },
            ["Servers"] = new JsonArray(new JsonObject { ["IPAddress"] = address }),
            ["Plan"] = new JsonObject { ["ID"] = 1 },
        },
        ["Settings"] = new JsonObject { ["LoadBalancer"] = new JsonArray() },
    };

    [Theory]
    [BothEngines]
    public async Task Orphan_TaggedWithOurCluster_DeletedAfterTheGracePeriodNotBefore_ForeignOnesNeverTouched(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Controller:OrphanGracePeriod"] = "00:00:01" }, engine: engine);
        var gone = Snapshots.NewUid();
        var orphan = await app.Sim.PlantAsync(Planted(LoadBalancerNaming.Name(gone), "203.0.113.108", [.. LoadBalancerNaming.Tags(app.ClusterId, "old", gone, await app.OwnerIdAsync())]));
        var untagged = await app.Sim.PlantAsync(Planted("someone-elses", "203.0.113.109", "@k8s"));
        var foreign = await app.Sim.PlantAsync(Planted(LoadBalancerNaming.Name(gone), "203.0.113.110", [.. LoadBalancerNaming.Tags("other-cluster", "old", gone)]));
        await app.PostEventsAsync(nodes: Snapshots.DefaultNodes());

        var first = await app.ResyncAsync();

        Assert.Equal(1, first.Orphans);
        Assert.Equal([orphan], (await app.Orphans.ListAsync(app.ClusterId, default)).Select(o => o.LoadBalancerId));
        Assert.Equal(3, (await app.Sim.LoadBalancersAsync()).Count);
        Assert.Null(await app.Client.GetInstanceAsync(OrphanCleanupOrchestrator.InstanceId(orphan)));

        await app.ResyncUntilDeletedAsync(orphan, "the orphan to be deleted");

        var remaining = (await app.Sim.LoadBalancersAsync()).Select(l => l.Id).Order();
        Assert.Equal([untagged, foreign], remaining);
        var instance = await app.Client.GetInstanceAsync(OrphanCleanupOrchestrator.InstanceId(orphan), getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance!.RuntimeStatus);
        Assert.Equal(OrphanCleanupOrchestrator.Deleted, instance.ReadOutputAs<string>());
        await app.ResyncAsync();
        Assert.Empty(await app.Orphans.ListAsync(app.ClusterId, default));
    }

    [Theory]
    [BothEngines]
    public async Task Orphan_DryRun_IsReportedButNeverDeleted(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Controller:OrphanGracePeriod"] = "00:00:00.200",
            ["Controller:OrphanDryRun"] = "true",
        }, engine: engine);
        var gone = Snapshots.NewUid();
        var orphan = await app.Sim.PlantAsync(Planted(LoadBalancerNaming.Name(gone), "203.0.113.108", [.. LoadBalancerNaming.Tags(app.ClusterId, "old", gone, await app.OwnerIdAsync())]));
        await app.PostEventsAsync(nodes: Snapshots.DefaultNodes());
        await app.ResyncAsync();
        var record = Assert.Single(await app.Orphans.ListAsync(app.ClusterId, default));
        await Eventually.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow - record.FirstSeenAt), age => age > TimeSpan.FromMilliseconds(300), "the grace period to pass");

        var report = await app.ResyncAsync();

        Assert.Equal(1, report.Orphans);
        Assert.Null(await app.Client.GetInstanceAsync(OrphanCleanupOrchestrator.InstanceId(orphan)));
        Assert.Contains(await app.Sim.LoadBalancersAsync(), l => l.Id == orphan);
    }

    [Theory]
    [BothEngines]
    public async Task Purge_TombstoneOfAServiceNeverInScope_IsDroppedAfterTheRetentionNotBefore(DurableEngineKind engine)
    {
        // Class mode: a Service that lost our class (its type left LoadBalancer) before its first reconcile.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Controller:LoadBalancerClass"] = "sakura.cloud/lb",
            ["Controller:DeletedStatusRetention"] = "00:10:00",
        }, engine: engine);
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1);
        var old = Snapshots.Service(Snapshots.NewUid(), "old", [80]) with { Type = "ClusterIP" };
        var recent = Snapshots.Service(Snapshots.NewUid(), "recent", [80]) with { Type = "ClusterIP" };
        var live = Snapshots.Service(Snapshots.NewUid(), "live", [80]) with { Type = "ClusterIP" };
        await app.Desired.PutAsync(app.ClusterId, [old, Snapshots.Tombstone(old), live], hourAgo, default);
        await app.Desired.PutAsync(app.ClusterId, [recent, Snapshots.Tombstone(recent)], DateTimeOffset.UtcNow, default);

        var report = await app.ResyncAsync();

        Assert.Empty(report.Started);
        Assert.Equal(
            new[] { live.Uid, recent.Uid }.Order(StringComparer.Ordinal),
            (await app.Desired.ListAsync(app.ClusterId, default)).Select(s => s.Uid).Order(StringComparer.Ordinal));
    }

    [Theory]
    [BothEngines]
    public async Task Purge_FinishedReconcileOlderThanTheRetention_IsPurged_ANewerOneIsKept(DurableEngineKind engine)
    {
        // Long enough that the second reconcile (settled, idle, then the resync) stays younger than it on a loaded
        // machine: at 3 s the Azure Storage engine alone sometimes took longer, and both were purged.
        var retention = TimeSpan.FromSeconds(15);
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["Controller:CompletedInstanceRetention"] = "00:00:15" }, engine: engine);
        var old = Snapshots.Service(Snapshots.NewUid(), "old", [80]);
        var recent = Snapshots.Service(Snapshots.NewUid(), "recent", [80]);
        var oldId = ReconcileServiceOrchestrator.InstanceId(old.Uid);
        var recentId = ReconcileServiceOrchestrator.InstanceId(recent.Uid);
        await app.PostEventsAsync([old], Snapshots.DefaultNodes());
        await app.WaitSettledAsync(old.Uid);
        await app.WaitIdleAsync([oldId]);
        var oldCreated = (await app.Client.GetInstanceAsync(oldId))!.CreatedAt;
        await Eventually.UntilAsync(() => DateTimeOffset.UtcNow - oldCreated > retention, "the first reconcile to be older than the retention", retention + TimeSpan.FromSeconds(30));
        await app.PostEventsAsync([recent]);
        await app.WaitSettledAsync(recent.Uid);
        await app.WaitIdleAsync([recentId]);

        var report = await app.ResyncAsync();

        Assert.Empty(report.Failures);
        Assert.Null(await app.Client.GetInstanceAsync(oldId));
        Assert.NotNull(await app.Client.GetInstanceAsync(recentId));
        Assert.NotNull(await app.Desired.GetAsync(app.ClusterId, old.Uid, default));
    }

    [Theory]
    [BothEngines]
    public async Task Orphan_BeforeTheRelayHasReportedAnything_IsNeitherRecordedNorDeleted(DurableEngineKind engine)
    {
        // A fresh storage account knows no Service: every load balancer of the cluster would look orphaned.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Controller:OrphanGracePeriod"] = "00:00:00.100" }, engine: engine);
        var gone = Snapshots.NewUid();
        var lb = await app.Sim.PlantAsync(Planted(LoadBalancerNaming.Name(gone), "203.0.113.108", [.. LoadBalancerNaming.Tags(app.ClusterId, "old", gone, await app.OwnerIdAsync())]));

        var first = await app.ResyncAsync();
        var start = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow - start), age => age > TimeSpan.FromMilliseconds(300), "the grace period to pass");
        var second = await app.ResyncAsync();

        Assert.Equal((0, 0), (first.Orphans, second.Orphans));
        Assert.Empty(await app.Orphans.ListAsync(app.ClusterId, default));
        Assert.Null(await app.Client.GetInstanceAsync(OrphanCleanupOrchestrator.InstanceId(lb)));
        Assert.Contains(await app.Sim.LoadBalancersAsync(), l => l.Id == lb);
    }
}
