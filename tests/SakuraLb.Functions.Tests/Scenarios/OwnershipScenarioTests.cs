using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using SakuraLb.Functions.Telemetry;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// The owner id: what orphan collection may delete is only what carries this installation's id; two installations
/// that share a cluster id leave each other alone; load balancers without an owner tag are reported, and deleted only
/// when adoption is on; a pass with more orphans due than the cap deletes none.
/// </summary>
public sealed class OwnershipScenarioTests
{
    private static readonly Dictionary<string, string?> NoGrace = new() { ["Controller:OrphanGracePeriod"] = "00:00:00" };

    private static async Task<long> PlantOrphanAsync(TestApp app, string address, string? ownerId)
    {
        var gone = Snapshots.NewUid();
        return await app.Sim.PlantAsync(ResyncScenarioTests.Planted(LoadBalancerNaming.Name(gone), address, [.. LoadBalancerNaming.Tags(app.ClusterId, "old", gone, ownerId)]));
    }

    private static async Task<IReadOnlyList<long>> LoadBalancerIdsAsync(TestApp app) => [.. (await app.Sim.LoadBalancersAsync()).Select(l => l.Id)];

    [Theory]
    [BothEngines]
    public async Task TwoInstallationsSharingAClusterId_NeitherDeletesTheOthersLoadBalancers_EachCollectsOnlyItsOwnOrphans(DurableEngineKind engine)
    {
        await using var a = await TestApp.StartAsync(NoGrace, engine: engine);
        await using var b = await TestApp.StartAsync(new Dictionary<string, string?>(NoGrace) { ["Controller:ClusterId"] = a.ClusterId }, engine: engine, sameCloudAs: a);
        var ofA = Snapshots.Service(Snapshots.NewUid(), "web-a", [80]);
        var ofB = Snapshots.Service(Snapshots.NewUid(), "web-b", [80]);
        await a.PostEventsAsync([ofA], Snapshots.DefaultNodes());
        await a.WaitSettledAsync(ofA.Uid);
        await b.PostEventsAsync([ofB], Snapshots.DefaultNodes());
        await b.WaitSettledAsync(ofB.Uid);
        var (ownerA, ownerB) = (await a.OwnerIdAsync(), await b.OwnerIdAsync());
        var lbs = await a.Sim.LoadBalancersAsync();
        var lbA = lbs.Single(l => l.Name == LoadBalancerNaming.Name(ofA.Uid));
        var lbB = lbs.Single(l => l.Name == LoadBalancerNaming.Name(ofB.Uid));
        var orphanOfA = await PlantOrphanAsync(a, "203.0.113.110", ownerA);

        Assert.NotEqual(ownerA, ownerB);
        Assert.Contains(LoadBalancerNaming.OwnerTag(ownerA), lbA.Tags);
        Assert.Contains(LoadBalancerNaming.OwnerTag(ownerB), lbB.Tags);

        // B runs its orphan pass (grace 0) again and again: A's Service's load balancer and A's orphan are not B's.
        for (var pass = 0; pass < 3; pass++)
        {
            var report = await b.ResyncAsync();
            Assert.Empty(report.Failures);
            Assert.Equal(0, report.Orphans);
        }

        Assert.Null(await b.Client.GetInstanceAsync(OrphanCleanupOrchestrator.InstanceId(orphanOfA)));
        Assert.Null(await b.Client.GetInstanceAsync(OrphanCleanupOrchestrator.InstanceId(lbA.Id)));
        Assert.Equal([lbA.Id, lbB.Id, orphanOfA], (await LoadBalancerIdsAsync(a)).Order());

        // A collects its own orphan, and only it.
        await a.ResyncUntilDeletedAsync(orphanOfA, "A's orphan to be deleted");
        Assert.Equal([lbA.Id, lbB.Id], (await LoadBalancerIdsAsync(a)).Order());
    }

    [Theory]
    [BothEngines]
    public async Task UnownedLoadBalancer_WithoutAService_IsReportedAndKept(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(NoGrace, engine: engine, minimumLogLevel: LogLevel.Warning);
        using var orphans = new MetricCollector<long>(app.Get<IMeterFactory>(), SakuraLbMetrics.MeterName, "sakuralb.orphans");
        var unowned = await PlantOrphanAsync(app, "203.0.113.108", ownerId: null);
        await app.PostEventsAsync(nodes: Snapshots.DefaultNodes());

        await app.ResyncAsync();
        var report = await app.ResyncAsync();

        Assert.Equal(0, report.Orphans);
        Assert.Empty(await app.Orphans.ListAsync(app.ClusterId, default));
        Assert.Null(await app.Client.GetInstanceAsync(OrphanCleanupOrchestrator.InstanceId(unowned)));
        Assert.Contains(unowned, await LoadBalancerIdsAsync(app));
        Assert.Equal(2, app.Logs.GetSnapshot().Count(r => r.Id.Id == 1310 && r.Message.Contains(unowned.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        Assert.Equal(2, orphans.GetMeasurementSnapshot().Where(m => (string?)m.Tags["action"] == "unowned").Sum(m => m.Value));
    }

    [Theory]
    [BothEngines]
    public async Task UnownedLoadBalancer_WithAdoptionOn_IsCollectedLikeOurOwn(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>(NoGrace) { ["Controller:AdoptUnownedLoadBalancers"] = "true" }, engine: engine);
        var unowned = await PlantOrphanAsync(app, "203.0.113.108", ownerId: null);
        var others = await PlantOrphanAsync(app, "203.0.113.109", ownerId: "ffffffffffffffffffffffffffffffff");
        await app.PostEventsAsync(nodes: Snapshots.DefaultNodes());

        await app.ResyncUntilDeletedAsync(unowned, "the adopted orphan to be deleted");

        Assert.Equal([others], await LoadBalancerIdsAsync(app));
    }

    [Theory]
    [BothEngines]
    public async Task OrphansOverTheDeletionCap_NoneIsDeleted_AWarningAndTheMetricFire(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>(NoGrace) { ["Controller:MaxOrphanDeletionsPerPass"] = "2" }, engine: engine, minimumLogLevel: LogLevel.Warning);
        using var capped = new MetricCollector<long>(app.Get<IMeterFactory>(), SakuraLbMetrics.MeterName, "sakuralb.orphans.capped");
        var owner = await app.OwnerIdAsync();
        var planted = new List<long>();
        foreach (var address in new[] { "203.0.113.108", "203.0.113.109", "203.0.113.110" })
        {
            planted.Add(await PlantOrphanAsync(app, address, owner));
        }

        await app.PostEventsAsync(nodes: Snapshots.DefaultNodes());

        var report = await app.ResyncAsync();

        Assert.Equal(3, report.Orphans);
        foreach (var id in planted)
        {
            Assert.Null(await app.Client.GetInstanceAsync(OrphanCleanupOrchestrator.InstanceId(id)));
        }

        Assert.Equal(planted, (await LoadBalancerIdsAsync(app)).Order());
        var warning = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 1312);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("3 orphans are due", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, capped.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Theory]
    [BothEngines]
    public async Task ServicesLoadBalancerWithoutTheOwnerTag_IsClaimedByTheNextResync(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80]);
        await app.PostEventsAsync([service], Snapshots.DefaultNodes());
        await app.WaitSettledAsync(service.Uid);
        var cloud = app.Get<ISakuraCloud>();
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        var observed = (await cloud.GetLoadBalancerAsync(lb.Id, default))!;
        await cloud.UpdateTagsAsync(lb.Id, [.. observed.Tags.Where(t => !t.StartsWith(LoadBalancerNaming.OwnerTagPrefix, StringComparison.Ordinal))], observed.Description, default);
        Assert.DoesNotContain((await app.Sim.LoadBalancersAsync())[0].Tags, t => t.StartsWith(LoadBalancerNaming.OwnerTagPrefix, StringComparison.Ordinal));

        var report = await app.ResyncAsync();
        await app.WaitIdleAsync(report.Started);

        Assert.Equal(1, report.Drifted);
        var claimed = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Equal(lb.Id, claimed.Id);
        Assert.Contains(LoadBalancerNaming.OwnerTag(await app.OwnerIdAsync()), claimed.Tags);
    }
}
