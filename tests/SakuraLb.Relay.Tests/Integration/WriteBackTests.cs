using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Status;
using SakuraLb.Relay.Telemetry;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>The status feed turns into ingress patches, Events and finalizer removal, in the right order.</summary>
public sealed class WriteBackTests
{
    private static IReadOnlyList<JsonObject> Events(RelayTestBed bed, string name) =>
        bed.Objects.List("events.events.k8s.io", "default")
            .Where(e => e["regarding"]?["name"]?.GetValue<string>() == name)
            .ToArray();

    private static string[] Reasons(RelayTestBed bed, string name) =>
        Events(bed, name).Select(e => e["reason"]!.GetValue<string>()).ToArray();

    private static JsonArray? Ingress(JsonObject service) => service["status"]?["loadBalancer"]?["ingress"] as JsonArray;

    [Fact]
    public async Task StatusFeed_ProvisioningThenReady_WritesEventsAndTheIngressOnce()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");

        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Provisioning, "Provisioning", "creating load balancer"));
        await Eventually.UntilAsync(() => Reasons(bed, "web").Contains("Provisioning"), "the Provisioning event was recorded");
        Assert.Null(Ingress(bed.Service("web")));

        bed.Kube.ClearRequestLog();
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Ready, "Ready", "load balancer 113200000301 is up", ips: "203.0.113.101"));
        await Eventually.UntilAsync(() => Reasons(bed, "web").Contains("Ready"), "the Ready event was recorded");

        var entry = Assert.Single(Ingress(bed.Service("web"))!.OfType<JsonObject>());
        Assert.Equal("203.0.113.101", entry["ip"]!.GetValue<string>());
        Assert.Equal("VIP", entry["ipMode"]!.GetValue<string>());

        // The ingress is written first (status subresource), then the Event.
        var writes = bed.Kube.RequestLog.Where(r => r.Verb is "patch" or "create").ToArray();
        var ingressAt = Array.FindIndex(writes, r => r.Verb == "patch" && r.Subresource == "status");
        var eventAt = Array.FindIndex(writes, r => r.Verb == "create" && r.Resource == "events");
        Assert.True(ingressAt >= 0 && eventAt > ingressAt, "ingress patch before the Ready event");

        var ready = Events(bed, "web").Single(e => e["reason"]!.GetValue<string>() == "Ready");
        Assert.Equal("Normal", ready["type"]!.GetValue<string>());
        Assert.Equal("load balancer 113200000301 is up", ready["note"]!.GetValue<string>());
        Assert.Equal(uid, ready["regarding"]!["uid"]!.GetValue<string>());
        Assert.Equal("k8s.usacloud.jp/sakuralb-relay", ready["reportingController"]!.GetValue<string>());

        // The new ingress is forwarded (the function sees what is written) and nothing is written twice.
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.CurrentIngress.SequenceEqual(["203.0.113.101"]) == true, "the written ingress reached the function");
        var patches = bed.Kube.RequestLog.Count(r => r.Verb == "patch" && r.Subresource == "status");
        bed.Relay.Pipeline.RequestFullResync();
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.LastFullResync is not null, "a full resync ran");
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.Outbox.IsEmpty, "the resync was delivered");
        Assert.Equal(patches, bed.Kube.RequestLog.Count(r => r.Verb == "patch" && r.Subresource == "status"));
        Assert.Equal(2, Events(bed, "web").Count);

        // Between changes the feed is polled conditionally: the stub answers 304.
        Assert.True(bed.Relay.Metrics.Count("status_polls", "unchanged") > 0);
    }

    [Fact]
    public async Task StatusFeed_Failure_RecordsAWarningEventAndKeepsTheLastIngress()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.101"));
        await Eventually.UntilAsync(() => Ingress(bed.Service("web")) is not null, "the ingress was written");

        var failed = RelayTestBed.Status(uid, "web", ServicePhase.Failed, "AddressesExhausted", "no free address in router 113100000001: 11 assignable, 11 in use") with
        {
            Warnings = [new StatusWarning("NodeWithoutServer", "node node-3 has no Sakura server of that name")],
        };
        bed.Function.SetStatus(failed);

        await Eventually.UntilAsync(() => Reasons(bed, "web").Contains("AddressesExhausted") && Reasons(bed, "web").Contains("NodeWithoutServer"), "the warning events were recorded");
        Assert.All(Events(bed, "web").Where(e => e["reason"]!.GetValue<string>() is "AddressesExhausted" or "NodeWithoutServer"), e => Assert.Equal("Warning", e["type"]!.GetValue<string>()));
        Assert.NotNull(Ingress(bed.Service("web")));
    }

    [Fact]
    public async Task StatusFeed_DeletedAndReleasable_RecordsTheEventThenRemovesTheFinalizer()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.101"));
        await Eventually.UntilAsync(() => Reasons(bed, "web").Contains("Ready"), "the Ready event was recorded");

        bed.Objects.Delete("services", "default", "web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.DeletionTimestamp is not null, "the deletion reached the function");

        // Deleting, not yet releasable: the finalizer stays.
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Deleting, "Deleting", "deleting load balancer"));
        await Eventually.UntilAsync(() => Reasons(bed, "web").Contains("Deleting"), "the Deleting event was recorded");
        Assert.Contains(WellKnown.LoadBalancerCleanupFinalizer, RelayTestBed.Finalizers(bed.Service("web")));

        bed.Kube.ClearRequestLog();
        bed.Function.SetStatus(bed.Released(uid, "web", "load balancer and addresses released"));
        await Eventually.UntilAsync(() => bed.Objects.Get("services", "default", "web") is null, "the Service is gone");

        Assert.Contains("Deleted", Reasons(bed, "web"));
        var writes = bed.Kube.RequestLog.Where(r => r.Verb is "patch" or "create").ToArray();
        var eventAt = Array.FindIndex(writes, r => r.Verb == "create" && r.Resource == "events");
        var releaseAt = Array.FindIndex(writes, r => r.Verb == "patch" && r.Resource == "services" && r.Subresource.Length == 0);
        Assert.True(eventAt >= 0 && releaseAt > eventAt, "the Deleted event before the finalizer removal");
        Assert.DoesNotContain(writes, r => r.Subresource == "status");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.Deleted == true, "the tombstone reached the function");
    }

    [Fact]
    public async Task Events_AfterARelayRestart_AreNotRecordedAgain()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.101") with
        {
            Warnings = [new StatusWarning("TooManyNodes", "45 nodes qualify, 40 are used")],
        });
        await Eventually.UntilAsync(() => Events(bed, "web").Count == 2, "two events were recorded");
        await bed.Relay.StopAsync();

        var second = await bed.StartRelayAsync(bed.DefaultOptions("relay-b"));
        await Eventually.UntilAsync(() => second.Metrics.Count("kube_writes", "event", "alreadyrecorded") == 2, "the new relay tried both events and found them recorded");
        Assert.Equal(2, Events(bed, "web").Count);
    }

    [Fact]
    public async Task IngressWipedByAUser_IsWrittenAgainOnTheNextPass()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.101"));
        await Eventually.UntilAsync(() => Ingress(bed.Service("web")) is not null, "the ingress was written");

        bed.Objects.MergePatch("services", "default", "web", """{"status":{"loadBalancer":{"ingress":null}}}""", status: true);

        await Eventually.UntilAsync(() => Ingress(bed.Service("web"))?.Count == 1, "the ingress was restored");
    }

    [Fact]
    public async Task IngressPlannedForADeletedService_IsRefusedByTheServiceRecreatedUnderItsName()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false);
        var oldUid = bed.CreateService("web");
        var tracker = new ServiceTracker(new ControllerSettings { ClusterId = FunctionStub.ClusterId });
        tracker.Apply(WatchEventType.Added, Objects.Service("web", oldUid, rv: "1").WithFinalizer());
        var statuses = new StatusStore();
        statuses.Apply(new StatusFeed { ClusterId = FunctionStub.ClusterId, Services = [RelayTestBed.Status(oldUid, "web", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.101")] }, "\"1\"");

        // The write-back still works from the old Service while the user deletes it and creates a new one of the same name.
        bed.Objects.Delete("services", "default", "web");
        var newUid = bed.CreateService("web");
        Assert.NotEqual(oldUid, newUid);

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new RelayMetrics(services.GetRequiredService<IMeterFactory>());
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = bed.Kube.BaseAddress.AbsoluteUri.TrimEnd('/') });
        var worker = new WriteBackWorker(tracker, statuses, new KubeApi(client), new RelayOptions { Identity = "relay-a" }, metrics, TimeProvider.System, NullLogger.Instance, _ => { });

        await worker.ProcessAsync(oldUid, CancellationToken.None);

        Assert.Null(Ingress(bed.Service("web")));
        Assert.Equal(1, metrics.Count("kube_writes", "ingress", "conflict"));
    }
}
