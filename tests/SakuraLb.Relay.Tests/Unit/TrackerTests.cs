namespace SakuraLb.Relay.Tests.Unit;

public sealed class ServiceTrackerTests
{
    private static readonly ControllerSettings Default = new() { ClusterId = "c" };
    private static readonly ControllerSettings ClassMode = new() { ClusterId = "c", LoadBalancerClass = "k8s.usacloud.jp/sakura" };

    [Fact]
    public void NewLoadBalancerWithoutFinalizer_WaitsForTheFinalizer()
    {
        var tracker = new ServiceTracker(Default);

        var change = tracker.Apply(WatchEventType.Added, Objects.Service());

        Assert.Equal(ServiceChangeKind.AwaitingFinalizer, change.Kind);
        Assert.Null(change.Forward);
        Assert.True(change.NeedsWriteBack);
        Assert.Empty(tracker.Forwardable());
    }

    [Fact]
    public void FinalizerAdded_IsForwarded_ThenAResourceVersionOnlyUpdateIsIrrelevant()
    {
        var tracker = new ServiceTracker(Default);
        tracker.Apply(WatchEventType.Added, Objects.Service());

        var withFinalizer = tracker.Apply(WatchEventType.Modified, Objects.Service(rv: "11").WithFinalizer());
        var again = tracker.Apply(WatchEventType.Modified, Objects.Service(rv: "12", labels: new Dictionary<string, string> { ["a"] = "b" }).WithFinalizer());

        Assert.Equal(ServiceChangeKind.Forward, withFinalizer.Kind);
        Assert.True(withFinalizer.Forward!.HasCleanupFinalizer);
        Assert.Equal(ServiceChangeKind.Irrelevant, again.Kind);
        Assert.Equal("12", tracker.Get("uid-web")!.Snapshot.ResourceVersion);
    }

    [Fact]
    public void OlderResourceVersion_ArrivingLate_IsIgnored()
    {
        var tracker = new ServiceTracker(Default);
        tracker.Apply(WatchEventType.Added, Objects.Service(rv: "20").WithFinalizer());

        var late = tracker.Apply(WatchEventType.Modified, Objects.Service(rv: "19", type: "ClusterIP").WithFinalizer());

        Assert.Equal(ServiceChangeKind.Irrelevant, late.Kind);
        Assert.Equal("LoadBalancer", tracker.Get("uid-web")!.Snapshot.Type);
    }

    [Theory]
    [InlineData("ClusterIP", null)]
    [InlineData("NodePort", null)]
    [InlineData("LoadBalancer", "metallb.io/metallb")]
    public void ServiceNotOurs_IsOutOfScope(string type, string? lbClass)
    {
        var tracker = new ServiceTracker(Default);

        var change = tracker.Apply(WatchEventType.Added, Objects.Service(type: type, lbClass: lbClass));

        Assert.Equal(ServiceChangeKind.OutOfScope, change.Kind);
        Assert.False(change.NeedsWriteBack);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void ForeignClassWithTheUpstreamFinalizer_IsStillNotOurs()
    {
        var tracker = new ServiceTracker(Default);

        var change = tracker.Apply(WatchEventType.Added, Objects.Service(lbClass: "metallb.io/metallb").WithFinalizer());

        Assert.Equal(ServiceChangeKind.OutOfScope, change.Kind);
    }

    [Fact]
    public void Deleted_TrackedService_BecomesATombstone_UntrackedIsIgnored()
    {
        var tracker = new ServiceTracker(Default);
        tracker.Apply(WatchEventType.Added, Objects.Service().WithFinalizer());

        var removed = tracker.Apply(WatchEventType.Deleted, Objects.Service(rv: "30"));
        var unknown = tracker.Apply(WatchEventType.Deleted, Objects.Service(uid: "other", type: "ClusterIP"));

        Assert.Equal(ServiceChangeKind.Removed, removed.Kind);
        Assert.True(removed.Forward!.Deleted);
        Assert.Equal(ServiceChangeKind.OutOfScope, unknown.Kind);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void TypeChangedAndFinalizerReleased_LeavesTheScopeWithOneLastSnapshot()
    {
        var tracker = new ServiceTracker(Default);
        tracker.Apply(WatchEventType.Added, Objects.Service().WithFinalizer());

        var retyped = tracker.Apply(WatchEventType.Modified, Objects.Service(rv: "11", type: "ClusterIP").WithFinalizer());
        var released = tracker.Apply(WatchEventType.Modified, Objects.Service(rv: "12", type: "ClusterIP"));
        var later = tracker.Apply(WatchEventType.Modified, Objects.Service(rv: "13", type: "ClusterIP", labels: new Dictionary<string, string> { ["x"] = "y" }));

        Assert.Equal(ServiceChangeKind.Forward, retyped.Kind);
        Assert.Equal(ServiceChangeKind.LeftScope, released.Kind);
        Assert.False(released.Forward!.HasCleanupFinalizer);
        Assert.Equal(ServiceChangeKind.OutOfScope, later.Kind);
    }

    [Fact]
    public void Relist_ReportsServicesMissingFromTheListAsTombstones()
    {
        var tracker = new ServiceTracker(Default);
        tracker.Replace([Objects.Service(uid: "a", name: "a").WithFinalizer(), Objects.Service(uid: "b", name: "b").WithFinalizer()]);

        var changes = tracker.Replace([Objects.Service(uid: "a", name: "a").WithFinalizer(), Objects.Service(uid: "c", name: "c", rv: "40").WithFinalizer()]);

        Assert.Contains(changes, c => c.Uid == "a" && c.Kind == ServiceChangeKind.Irrelevant);
        Assert.Contains(changes, c => c.Uid == "b" && c.Kind == ServiceChangeKind.Removed && c.Forward!.Deleted);
        Assert.Contains(changes, c => c.Uid == "c" && c.Kind == ServiceChangeKind.Forward);
        Assert.True(tracker.Synced);
    }

    [Fact]
    public void ClassMode_ClassLessServiceWithFinalizer_IsOursOnlyWhenKnown()
    {
        var known = new HashSet<string> { "was-ours" };
        var tracker = new ServiceTracker(ClassMode, known.Contains);

        // The API server cleared the class when the type changed; only the feed tells whose finalizer it is.
        var ours = tracker.Apply(WatchEventType.Added, Objects.Service(uid: "was-ours", name: "a", type: "ClusterIP").WithFinalizer());
        var other = tracker.Apply(WatchEventType.Added, Objects.Service(uid: "someone-elses", name: "b").WithFinalizer());
        var ourClass = tracker.Apply(WatchEventType.Added, Objects.Service(uid: "new", name: "c", lbClass: "k8s.usacloud.jp/sakura"));

        Assert.Equal(ServiceChangeKind.Forward, ours.Kind);
        Assert.Equal(ServiceChangeKind.OutOfScope, other.Kind);
        Assert.Equal(ServiceChangeKind.AwaitingFinalizer, ourClass.Kind);
    }
}

public sealed class NodeTrackerTests
{
    [Fact]
    public void NodeSet_IsNullUntilTheFirstList()
    {
        var tracker = new NodeTracker();
        tracker.Apply(WatchEventType.Added, Objects.Node());

        Assert.Null(tracker.Current());
        Assert.True(tracker.Replace([Objects.Node("node-1"), Objects.Node("node-2")], "100"));
        Assert.Equal(["node-1", "node-2"], tracker.Current()!.Nodes.Select(n => n.Name));
        Assert.Equal("100", tracker.Current()!.ResourceVersion);
    }

    [Fact]
    public void Heartbeat_IsIrrelevant_AddressChangeAndDeletionAreNot()
    {
        var tracker = new NodeTracker();
        tracker.Replace([Objects.Node("node-1")], "100");

        Assert.False(tracker.Apply(WatchEventType.Modified, Objects.Node("node-1", rv: "101", heartbeat: DateTime.UtcNow, ready: false)));
        Assert.True(tracker.Apply(WatchEventType.Modified, Objects.Node("node-1", rv: "102", ip: "10.0.0.99")));
        Assert.True(tracker.Apply(WatchEventType.Deleted, Objects.Node("node-1", rv: "103")));
        Assert.False(tracker.Apply(WatchEventType.Deleted, Objects.Node("node-1", rv: "104")));
        Assert.Empty(tracker.Current()!.Nodes);
    }

    [Fact]
    public void NodeSet_SaysTheRelayDoesNodeLifecycle()
    {
        var tracker = new NodeTracker();
        tracker.Replace([Objects.Node("node-1")], "100");

        Assert.Equal([ProtocolVersion.NodeLifecycleFeature], tracker.Current()!.Features);
    }

    [Fact]
    public void Get_KeepsEveryTaintAndTheNewestResourceVersion_EvenFromIrrelevantChanges()
    {
        var tracker = new NodeTracker();
        tracker.Replace([Objects.Node("node-1")], "100");
        var other = new V1Taint { Key = "node.kubernetes.io/not-ready", Effect = "NoExecute", TimeAdded = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) };

        Assert.False(tracker.Apply(WatchEventType.Modified, Objects.Node("node-1", rv: "101", taints: [other])));

        var node = tracker.Get("node-1")!;
        Assert.Equal("101", node.Snapshot.ResourceVersion);
        Assert.Equal([other], node.Taints);
        Assert.Null(tracker.Get("node-2"));
        tracker.Apply(WatchEventType.Deleted, Objects.Node("node-1", rv: "102"));
        Assert.Null(tracker.Get("node-1"));
    }

    [Fact]
    public void OlderStateOfTheSameNode_DoesNotReplaceANewerOne_ButARecreatedNodeDoes()
    {
        var tracker = new NodeTracker();
        tracker.Replace([Objects.Node("node-1", rv: "50")], "100");
        tracker.Apply(WatchEventType.Modified, Objects.Node("node-1", rv: "60", ip: "10.0.0.60"));

        Assert.False(tracker.Apply(WatchEventType.Modified, Objects.Node("node-1", rv: "55", ip: "10.0.0.55")));
        Assert.Equal("60", tracker.Get("node-1")!.Snapshot.ResourceVersion);

        var recreated = Objects.Node("node-1", rv: "40", ip: "10.0.0.40");
        recreated.Metadata.Uid = "uid-again";
        Assert.True(tracker.Apply(WatchEventType.Added, recreated));
        Assert.Equal("uid-again", tracker.Get("node-1")!.Snapshot.Uid);
    }

    [Fact]
    public void ResourceVersion_FollowsEventsAndBookmarksButNeverGoesBack()
    {
        var tracker = new NodeTracker();
        tracker.Replace([Objects.Node("node-1", rv: "90")], "100");
        tracker.Apply(WatchEventType.Modified, Objects.Node("node-1", rv: "105", heartbeat: DateTime.UtcNow));
        tracker.Observe("120");
        tracker.Observe("110");

        Assert.Equal("120", tracker.Current()!.ResourceVersion);
    }

    [Fact]
    public void Relist_WithTheSameNodes_IsNotAChange()
    {
        var tracker = new NodeTracker();
        tracker.Replace([Objects.Node("node-1"), Objects.Node("node-2")], "100");

        Assert.False(tracker.Replace([Objects.Node("node-2", rv: "150", heartbeat: DateTime.UtcNow), Objects.Node("node-1")], "200"));
        Assert.True(tracker.Replace([Objects.Node("node-1")], "300"));
    }
}
