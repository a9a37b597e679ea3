using Azure;
using SakuraLb.Functions.Resync;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// The timer's parts run and fail on their own: whichever part fails is logged as event 1302 with its name and
/// reason, and every other part still does its work.
/// </summary>
public sealed class ResyncPartsScenarioTests
{
    public static TheoryData<DurableEngineKind, ResyncPart> Parts()
    {
        var data = new TheoryData<DurableEngineKind, ResyncPart>();
        foreach (var engine in new[] { DurableEngineKind.InMemory, DurableEngineKind.AzureStorage })
        {
            foreach (var part in new[] { ResyncPart.Behind, ResyncPart.Drift, ResyncPart.Orphans, ResyncPart.Purge })
            {
                data.Add(engine, part);
            }
        }

        return data;
    }

    private static RequestFailedException Down() => new(503, "storage is down (test)");

    [Theory]
    [MemberData(nameof(Parts))]
    public async Task OnePartFails_ItIsLoggedAs1302WithItsName_AndEveryOtherPartStillRuns(DurableEngineKind engine, ResyncPart failing)
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Controller:OrphanGracePeriod"] = "00:00:00",
                ["Controller:DeletedStatusRetention"] = "00:00:00",
                ["Controller:CompletedInstanceRetention"] = "00:00:00",
            },
            services: s => s.AddStoreProbe<IDesiredStore>().AddStoreProbe<IOrphanStore>().AddStoreProbe<INonceStore>(),
            engine: engine);

        // Work for every part: a Service whose status is gone (behind), one whose load balancer was deleted behind
        // our back (drift), a load balancer with our tag and no Service (orphan), a deleted Service (purge).
        var behind = Snapshots.Service(Snapshots.NewUid(), "behind", [80]);
        var drifting = Snapshots.Service(Snapshots.NewUid(), "drifting", [80]);
        var gone = Snapshots.Service(Snapshots.NewUid(), "gone", [80]);
        await app.PostEventsAsync([behind, drifting, gone], Snapshots.DefaultNodes());
        foreach (var service in new[] { behind, drifting, gone })
        {
            await app.WaitSettledAsync(service.Uid);
        }

        await app.PostEventsAsync([Snapshots.Deleting(gone, "2")]);
        await app.WaitSettledAsync(gone.Uid);
        await app.Statuses.DeleteAsync(app.ClusterId, behind.Uid, default);
        var driftingLb = (await app.Sim.LoadBalancersAsync()).Single(l => l.Name == LoadBalancerNaming.Name(drifting.Uid));
        await app.Sim.DeleteApplianceAsync(driftingLb.Id);
        var stray = Snapshots.NewUid();
        await app.Sim.PlantAsync(ResyncScenarioTests.Planted(LoadBalancerNaming.Name(stray), "203.0.113.108", [.. LoadBalancerNaming.Tags(app.ClusterId, "old", stray, await app.OwnerIdAsync())]));

        switch (failing)
        {
            case ResyncPart.Behind:
                app.Get<StoreProbe<IDesiredStore>>().Fail(
                    nameof(IDesiredStore.MarkChangedAsync), args => ((IReadOnlyList<string>)args[1]!).Contains(behind.Uid), Down);
                break;
            case ResyncPart.Drift:
                await app.Sim.FaultsAsync(new JsonObject { ["method"] = "GET", ["path"] = "/switch/*/server", ["status"] = 500, ["count"] = 1000 });
                break;
            case ResyncPart.Orphans:
                app.Get<StoreProbe<IOrphanStore>>().Fail(nameof(IOrphanStore.ListAsync), _ => true, Down);
                break;
            default:
                app.Get<StoreProbe<INonceStore>>().Fail(nameof(INonceStore.PurgeExpiredAsync), _ => true, Down);
                break;
        }

        var report = await app.ResyncAsync();

        Assert.True(report.Failures.Count == 1 && report.Failures[0].Part == failing, string.Join("; ", report.Failures.Select(f => $"{f.Part}: {f.Exception}")));
        var logged = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 1302);
        Assert.Contains($"part {failing.ToString().ToLowerInvariant()} failed", logged.Message, StringComparison.Ordinal);
        Assert.Equal(failing != ResyncPart.Behind, report.Started.Contains(ReconcileServiceOrchestrator.InstanceId(behind.Uid)));
        Assert.Equal(failing != ResyncPart.Drift, report.Started.Contains(ReconcileServiceOrchestrator.InstanceId(drifting.Uid)));
        Assert.Equal(failing == ResyncPart.Orphans ? 0 : 1, report.Orphans);
        if (failing != ResyncPart.Purge)
        {
            // The deleted Service's rows and its reconcile's history are gone.
            Assert.Null(await app.Desired.GetAsync(app.ClusterId, gone.Uid, default));
            Assert.Null(await app.Statuses.GetAsync(app.ClusterId, gone.Uid, default));
            Assert.Null(await app.Client.GetInstanceAsync(ReconcileServiceOrchestrator.InstanceId(gone.Uid)));
        }
    }

    [Theory]
    [BothEngines]
    public async Task SakuraApiDown_PurgesOfNoncesAndDeletedServicesStillRun(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Controller:DeletedStatusRetention"] = "00:00:00",
                ["Controller:CompletedInstanceRetention"] = "00:00:00",
            },
            engine: engine);
        var gone = Snapshots.Service(Snapshots.NewUid(), "gone", [80]);
        await app.PostEventsAsync([gone], Snapshots.DefaultNodes());
        await app.WaitSettledAsync(gone.Uid);
        await app.PostEventsAsync([Snapshots.Deleting(gone, "2")]);
        await app.WaitSettledAsync(gone.Uid);
        var nonces = app.Get<INonceStore>();
        var now = DateTimeOffset.UtcNow;
        Assert.True(await nonces.TryAddAsync("expired-" + Guid.NewGuid().ToString("N"), now.AddMinutes(-1), now.AddMinutes(-2), default));

        // Every Sakura request fails from here on: the drift and orphan parts cannot read the cloud.
        await app.Sim.FaultsAsync(new JsonObject { ["method"] = "*", ["path"] = "*", ["status"] = 503, ["count"] = 100_000 });
        await app.ResyncAsync();

        Assert.Null(await app.Desired.GetAsync(app.ClusterId, gone.Uid, default));
        Assert.Null(await app.Statuses.GetAsync(app.ClusterId, gone.Uid, default));
        Assert.Null(await app.Client.GetInstanceAsync(ReconcileServiceOrchestrator.InstanceId(gone.Uid)));
        Assert.Equal(0, await nonces.PurgeExpiredAsync(DateTimeOffset.UtcNow, default));
    }
}
