using System.Text.Json.Nodes;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>Create/update/delete of Services and Nodes reach the function as the right snapshots.</summary>
public sealed class ForwardingTests
{
    [Fact]
    public async Task Service_Created_IsForwardedOnlyAfterTheFinalizerIsOn()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();

        var uid = bed.CreateService("web", annotations: new Dictionary<string, string>
        {
            ["k8s.usacloud.jp/load-balancer-healthz-interval"] = "15",
            ["example.com/unrelated"] = "not forwarded",
        });

        var snapshot = await Eventually.ValueAsync(() => bed.Function.Latest(uid), "the Service reached the function");
        Assert.All(bed.Function.SnapshotsOf(uid), s => Assert.True(s.HasCleanupFinalizer, "every forwarded snapshot carries the finalizer"));
        Assert.Contains(WellKnown.LoadBalancerCleanupFinalizer, RelayTestBed.Finalizers(bed.Service("web")));
        Assert.Equal("LoadBalancer", snapshot.Type);
        Assert.Equal("default", snapshot.Namespace);
        Assert.Equal("web", snapshot.Name);
        var port = Assert.Single(snapshot.Ports);
        Assert.Equal(80, port.Port);
        Assert.Equal("TCP", port.Protocol);
        Assert.Equal("8080", port.TargetPort);
        Assert.NotNull(port.NodePort);
        Assert.Equal(new Dictionary<string, string> { ["k8s.usacloud.jp/load-balancer-healthz-interval"] = "15" }, snapshot.Annotations);
        Assert.Equal(0, bed.Function.SignatureFailures);
        Assert.Equal(0, bed.Function.InvalidBatches);
    }

    [Fact]
    public async Task Service_UpdatedInAControllerField_IsForwardedWithTheNewValue()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");

        bed.Objects.MergePatch("services", "default", "web", """{"metadata":{"annotations":{"k8s.usacloud.jp/load-balancer-plan":"premium"}}}""");

        await Eventually.UntilAsync(
            () => bed.Function.Latest(uid)?.Annotations.GetValueOrDefault("k8s.usacloud.jp/load-balancer-plan") == "premium",
            "the annotation change reached the function");
    }

    [Fact]
    public async Task Service_ChangedOnlyInLabelsOrForeignAnnotations_IsNotForwarded()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        var before = bed.Function.SnapshotsOf(uid).Count;
        var unchanged = bed.Relay.Metrics.Count("irrelevant", "service", "unchanged");

        bed.Objects.MergePatch("services", "default", "web", """{"metadata":{"labels":{"team":"a"},"annotations":{"example.com/x":"1"}}}""");
        bed.Objects.MergePatch("services", "default", "web", """{"metadata":{"labels":{"team":"b"}}}""");

        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("irrelevant", "service", "unchanged") >= unchanged + 2, "the relay saw both updates");
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.Outbox.IsEmpty, "nothing is pending");
        Assert.Equal(before, bed.Function.SnapshotsOf(uid).Count);
    }

    [Fact]
    public async Task Service_DeletedWithTheFinalizer_IsForwardedWithDeletionTimestampThenAsATombstone()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.HasCleanupFinalizer == true, "the Service reached the function");

        bed.Objects.Delete("services", "default", "web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.DeletionTimestamp is not null, "the deletion reached the function");
        Assert.NotNull(bed.Objects.Get("services", "default", "web"));

        bed.Function.SetStatus(bed.Released(uid, "web", "load balancer deleted"));

        var tombstone = await Eventually.ValueAsync(() => bed.Function.Latest(uid) is { Deleted: true } t ? t : null, "the tombstone reached the function");
        Assert.Equal("web", tombstone.Name);
        Assert.Null(bed.Objects.Get("services", "default", "web"));
    }

    [Fact]
    public async Task Service_DeletedWithoutOurFinalizer_IsForwardedAsATombstone()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        // Wait for the relay's own finalizer: a finalizer patch still in flight could land between the strip and
        // the delete below and leave the Service terminating.
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.HasCleanupFinalizer == true, "the Service reached the function with the finalizer");

        // An administrator strips the finalizer and deletes: the Service is gone at once.
        bed.Objects.MergePatch("services", "default", "web", """{"metadata":{"finalizers":null}}""");
        bed.Objects.Delete("services", "default", "web");

        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.Deleted == true, "the tombstone reached the function");
    }

    [Fact]
    public async Task Service_TypeChangedAwayFromLoadBalancer_IsForwardedAndReleasedWhenTheFunctionSaysSo()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.HasCleanupFinalizer == true, "the Service reached the function");

        bed.Objects.MergePatch("services", "default", "web", """{"spec":{"type":"ClusterIP"}}""");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.Type == "ClusterIP", "the type change reached the function");

        bed.Function.SetStatus(bed.Released(uid, "web", "load balancer deleted"));
        await Eventually.UntilAsync(() => RelayTestBed.Finalizers(bed.Service("web")).Count == 0, "the finalizer was removed");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is { HasCleanupFinalizer: false, Type: "ClusterIP" }, "the released state reached the function");
    }

    [Fact]
    public async Task Nodes_AddedChangedAndDeleted_ReachTheFunctionAsTheWholeSet()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        Assert.Equal(["node-1", "node-2", "node-3"], bed.Function.LatestNodes!.Nodes.Select(n => n.Name));
        var first = bed.Function.LatestNodes!.Nodes[0];
        Assert.Equal("sakuracloud://113000000001", first.ProviderId);
        Assert.Contains(first.Addresses, a => a.Type == "InternalIP" && a.Address == "10.0.0.11");
        Assert.Empty(first.Labels);

        bed.Objects.CreateNode("node-4", "10.0.0.14");
        await Eventually.UntilAsync(() => bed.Function.LatestNodes!.Nodes.Any(n => n.Name == "node-4"), "the new node reached the function");

        bed.Objects.MergePatch("nodes", null, "node-1", """{"metadata":{"labels":{"node.kubernetes.io/exclude-from-external-load-balancers":"true"}}}""");
        await Eventually.UntilAsync(
            () => bed.Function.LatestNodes!.Nodes.Single(n => n.Name == "node-1").Labels.ContainsKey(WellKnown.ExcludeFromExternalLoadBalancersLabel),
            "the exclusion label reached the function");

        bed.Objects.MergePatch("nodes", null, "node-2", """{"spec":{"taints":[{"key":"ToBeDeletedByClusterAutoscaler","value":"1","effect":"NoSchedule"},{"key":"other","effect":"NoSchedule"}]}}""");
        await Eventually.UntilAsync(
            () => bed.Function.LatestNodes!.Nodes.Single(n => n.Name == "node-2").Taints.Select(t => t.Key).SequenceEqual([WellKnown.ToBeDeletedByClusterAutoscalerTaint]),
            "only the autoscaler taint reached the function");

        bed.Objects.Delete("nodes", null, "node-3");
        await Eventually.UntilAsync(
            () => bed.Function.LatestNodes!.Nodes.Select(n => n.Name).SequenceEqual(["node-1", "node-2", "node-4"]),
            "the deletion reached the function as a set without node-3");
        Assert.True(bed.Function.LatestNodes!.Complete);
    }

    [Fact]
    public async Task Nodes_ThousandStatusHeartbeats_ProduceZeroForwards()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.Outbox.IsEmpty, "the first node set was sent");
        var nodeSets = bed.Function.NodeSets.Count;
        var requests = bed.Function.EventRequests;
        var seen = bed.Relay.Metrics.Count("watch_events", "node");

        for (var i = 0; i < 1000; i++)
        {
            var name = $"node-{(i % 3) + 1}";
            var stamp = DateTimeOffset.UtcNow.AddSeconds(i).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            var node = bed.Objects.Get("nodes", null, name)!;
            var ready = (node["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>().Single(c => c["type"]!.GetValue<string>() == "Ready");
            ready["lastHeartbeatTime"] = stamp;

            // Conditions churn too (a kubelet flapping Ready): readiness is not forwarded either.
            ready["status"] = i % 7 == 0 ? "False" : "True";
            bed.Objects.UpdateStatus("nodes", node);
        }

        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("watch_events", "node") >= seen + 1000, "the relay saw 1000 node updates");
        Assert.Equal(1000, bed.Relay.Metrics.Count("irrelevant", "node"));
        Assert.True(bed.Relay.Pipeline.Outbox.IsEmpty);
        Assert.Equal(nodeSets, bed.Function.NodeSets.Count);
        Assert.Equal(requests, bed.Function.EventRequests);
    }
}
