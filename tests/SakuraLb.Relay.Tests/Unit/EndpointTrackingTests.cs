using SakuraLb.Relay.Projection;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class EndpointTrackingTests
{
    private const string Key = "default/web";

    private static V1Endpoint Endpoint(string? node, bool? ready = true, bool? serving = null, bool? terminating = null) => new()
    {
        Addresses = ["10.1.0.1"],
        NodeName = node,
        Conditions = new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
    };

    private static V1EndpointSlice Slice(string name, string rv, params V1Endpoint[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", ResourceVersion = rv },
        AddressType = "IPv4",
        Endpoints = endpoints,
    };

    [Theory]
    [InlineData(true, null, null, "n1", "")]
    [InlineData(null, null, null, "n1", "")]
    [InlineData(false, null, null, "", "")]
    [InlineData(false, true, true, "", "n1")]
    [InlineData(false, false, true, "", "")]
    [InlineData(true, true, true, "", "n1")]
    public void Projection_ReadsConditionsAsKubeProxyDoes(bool? ready, bool? serving, bool? terminating, string readyNodes, string servingNodes)
    {
        var nodes = EndpointSliceProjection.Project(Slice("s", "1", Endpoint("n1", ready, serving, terminating)));

        Assert.Equal(readyNodes, string.Join(",", nodes.Ready));
        Assert.Equal(servingNodes, string.Join(",", nodes.Serving));
    }

    [Fact]
    public void Projection_EndpointWithoutNode_IsIgnored() =>
        Assert.Same(SliceNodes.Empty, EndpointSliceProjection.Project(Slice("s", "1", Endpoint(null))));

    [Fact]
    public void Tracker_NoSummaryUntilListed_ThenTheUnionOverSlices()
    {
        var tracker = new EndpointTracker();
        tracker.Track(Key);
        Assert.Null(tracker.Summary(Key));
        Assert.False(tracker.Apply(Key, WatchEventType.Added, Slice("a", "5", Endpoint("n1"))));
        Assert.Null(tracker.Summary(Key));

        var changed = tracker.Replace(Key, [Slice("a", "5", Endpoint("n1"), Endpoint("n2", ready: false, serving: true, terminating: true)), Slice("b", "6", Endpoint("n2"), Endpoint("n3", ready: false, serving: true, terminating: true))], "9");

        Assert.True(changed);
        var summary = tracker.Summary(Key)!;
        Assert.Equal(["n1", "n2"], summary.ReadyNodes);
        Assert.Equal(["n3"], summary.ServingNodes);
        Assert.Equal("9", summary.Revision);
    }

    [Fact]
    public void Tracker_RevisionOnlyGrows_AndOnlyNodeSetChangesCount()
    {
        var tracker = new EndpointTracker();
        tracker.Track(Key);
        tracker.Replace(Key, [Slice("a", "5", Endpoint("n1")), Slice("b", "6", Endpoint("n1"))], "9");

        // A second pod on the same node: the node set is the same.
        var samePlace = tracker.Apply(Key, WatchEventType.Modified, Slice("a", "12", Endpoint("n1"), Endpoint("n1")));
        var revisionAfterSame = tracker.Summary(Key)!.Revision;
        // One slice gone, the other still places n1: still the same.
        var oneGone = tracker.Apply(Key, WatchEventType.Deleted, Slice("b", "13"));
        // A late event with an older version does not move the revision back.
        var stillN1 = tracker.Apply(Key, WatchEventType.Modified, Slice("a", "11", Endpoint("n1")));
        var moved = tracker.Apply(Key, WatchEventType.Modified, Slice("a", "14", Endpoint("n2")));

        Assert.Equal((false, false, false, true), (samePlace, oneGone, stillN1, moved));
        Assert.Equal("12", revisionAfterSame);
        Assert.Equal("14", tracker.Summary(Key)!.Revision);
        Assert.Equal(["n2"], tracker.Summary(Key)!.ReadyNodes);
    }

    [Fact]
    public void Tracker_ForgottenService_IgnoresLateEvents()
    {
        var tracker = new EndpointTracker();
        tracker.Track(Key);
        tracker.Replace(Key, [], "3");
        tracker.Forget(Key);

        Assert.False(tracker.Apply(Key, WatchEventType.Added, Slice("a", "5", Endpoint("n1"))));
        Assert.Null(tracker.Summary(Key));
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void ServiceTracker_LocalService_WaitsForItsEndpoints_ThenForwardsThem()
    {
        var endpoints = new EndpointTracker();
        var services = new ServiceTracker(new ControllerSettings { ClusterId = "c" }, endpointsOf: endpoints.Summary);
        var local = Objects.Service().WithFinalizer();
        local.Spec.ExternalTrafficPolicy = "Local";

        var first = services.Apply(WatchEventType.Added, local);
        var waiting = services.ForwardableTracked();
        endpoints.Track(Key);
        endpoints.Replace(Key, [Slice("a", "20", Endpoint("n1"))], "20");
        var listed = Assert.Single(services.RefreshEndpoints(Key));
        endpoints.Apply(Key, WatchEventType.Modified, Slice("a", "21", Endpoint("n1")));
        var revisionOnly = Assert.Single(services.RefreshEndpoints(Key));
        endpoints.Apply(Key, WatchEventType.Modified, Slice("a", "22", Endpoint("n2")));
        var moved = Assert.Single(services.RefreshEndpoints(Key));

        Assert.Equal(ServiceChangeKind.AwaitingEndpoints, first.Kind);
        Assert.True(first.NeedsWriteBack);
        Assert.Empty(waiting);
        Assert.Equal(ServiceChangeKind.Forward, listed.Kind);
        Assert.Equal(["n1"], listed.Forward!.Endpoints!.ReadyNodes);
        Assert.Equal(ServiceChangeKind.Irrelevant, revisionOnly.Kind);
        Assert.Equal(ServiceChangeKind.Forward, moved.Kind);
        Assert.Equal("22", moved.Forward!.Endpoints!.Revision);
        Assert.Equal(["n2"], moved.Forward.Endpoints.ReadyNodes);
        Assert.Single(services.Forwardable());
    }

    [Fact]
    public void ServiceTracker_ClusterPolicy_CarriesNoEndpointsAndDoesNotWait()
    {
        var endpoints = new EndpointTracker();
        var services = new ServiceTracker(new ControllerSettings { ClusterId = "c" }, endpointsOf: endpoints.Summary);

        var change = services.Apply(WatchEventType.Added, Objects.Service().WithFinalizer());

        Assert.Equal(ServiceChangeKind.Forward, change.Kind);
        Assert.Null(change.Forward!.Endpoints);
        Assert.False(services.WantsEndpoints(change.Forward));
    }

    [Fact]
    public void ServiceTracker_LeavingLocal_DropsTheEndpoints()
    {
        var endpoints = new EndpointTracker();
        endpoints.Track(Key);
        endpoints.Replace(Key, [Slice("a", "20", Endpoint("n1"))], "20");
        var services = new ServiceTracker(new ControllerSettings { ClusterId = "c" }, endpointsOf: endpoints.Summary);
        var local = Objects.Service().WithFinalizer();
        local.Spec.ExternalTrafficPolicy = "Local";
        services.Apply(WatchEventType.Added, local);

        var cluster = services.Apply(WatchEventType.Modified, Objects.Service(rv: "11").WithFinalizer());

        Assert.Equal(ServiceChangeKind.Forward, cluster.Kind);
        Assert.Null(cluster.Forward!.Endpoints);
    }
}
