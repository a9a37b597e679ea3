using KubeSim;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>Services with externalTrafficPolicy Local carry the nodes of their endpoints, from label-selected EndpointSlice watches.</summary>
public sealed class LocalEndpointsTests
{
    [Fact]
    public async Task LocalService_ForwardsTheNodesOfItsEndpoints_AndFollowsThemWhenTheyMove()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        bed.Objects.CreateEndpointSlice("default", "web-a", "web", [new KubeEndpoint("10.1.0.5", "node-1")], ("http", 8080));
        bed.Objects.CreateEndpointSlice("default", "other-a", "other", [new KubeEndpoint("10.1.0.6", "node-2")], ("http", 8080));
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");

        bed.Objects.MergePatch("services", "default", "web", """{"spec":{"externalTrafficPolicy":"Local"}}""");

        var local = await Eventually.ValueAsync(() => bed.Function.Latest(uid) is { Endpoints: not null } s ? s : null, "the Local Service was forwarded with its endpoints");
        Assert.Equal(["node-1"], local.Endpoints!.ReadyNodes);
        Assert.Empty(local.Endpoints.ServingNodes);

        // The pod moves: its old slice goes, a new one places a terminating but still serving endpoint on node-2.
        bed.Objects.Delete("endpointslices", "default", "web-a");
        bed.Objects.CreateEndpointSlice("default", "web-b", "web", [new KubeEndpoint("10.1.0.7", "node-2", Ready: false, Serving: true, Terminating: true)], ("http", 8080));

        await Eventually.UntilAsync(
            () => bed.Function.Latest(uid)?.Endpoints is { ReadyNodes.Count: 0, ServingNodes: ["node-2"] },
            "the endpoint's move reached the function");
        Assert.All(bed.Function.SnapshotsOf(uid).Where(s => s.ExternalTrafficPolicy == "Local"), s => Assert.NotNull(s.Endpoints));

        // Only this Service's slices are read, by label, in its namespace.
        var sliceCalls = bed.Kube.RequestLog.Where(r => r.Resource == "endpointslices").ToArray();
        Assert.NotEmpty(sliceCalls);
        Assert.All(sliceCalls, c =>
        {
            Assert.Equal("default", c.Namespace);
            Assert.Contains("labelSelector=kubernetes.io/service-name=web", Uri.UnescapeDataString(c.Query), StringComparison.Ordinal);
        });

        // Back to Cluster: the endpoints are no longer forwarded and the watch stops.
        bed.Objects.MergePatch("services", "default", "web", """{"spec":{"externalTrafficPolicy":"Cluster"}}""");

        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is { ExternalTrafficPolicy: "Cluster", Endpoints: null }, "the Cluster Service was forwarded without endpoints");
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.EndpointWatches.Count == 0, "the slice watch stopped");
    }

    [Fact]
    public async Task ClusterServices_WatchNoEndpointSlices()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        bed.Objects.CreateEndpointSlice("default", "web-a", "web", [new KubeEndpoint("10.1.0.5", "node-1")], ("http", 8080));
        var uid = bed.CreateService("web");

        var snapshot = await Eventually.ValueAsync(() => bed.Function.Latest(uid), "the Service reached the function");

        Assert.Null(snapshot.Endpoints);
        Assert.DoesNotContain(bed.Kube.RequestLog, r => r.Resource == "endpointslices");
    }
}
