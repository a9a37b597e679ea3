using SakuraLb.Relay.Projection;
using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class WriteBackPlannerTests
{
    private static readonly ControllerSettings Settings = new() { ClusterId = "c" };
    private static readonly DateTimeOffset Updated = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);

    private static TrackedService Tracked(k8s.Models.V1Service service)
    {
        var snapshot = ServiceProjection.Project(service);
        return new TrackedService(snapshot, Fingerprint.Of(snapshot), ServiceProjection.Ingress(service)) { StatusNote = ServiceProjection.StatusNoteOf(service) };
    }

    private static ServiceStatus Status(ServicePhase phase, string? reason = null, bool releasable = false, params string[] ips) => new()
    {
        ObservedResourceVersion = "10",
        Uid = "uid-web",
        Namespace = "default",
        Name = "web",
        Phase = phase,
        ReasonCode = reason ?? phase.ToString(),
        Message = $"{phase} message",
        IngressIps = ips,
        FinalizerReleasable = releasable,
        UpdatedAt = Updated,
    };

    /// <summary>The Service as the relay left it after writing the status note of <paramref name="status"/>.</summary>
    private static k8s.Models.V1Service Noted(k8s.Models.V1Service service, ServiceStatus status)
    {
        service.Metadata.Annotations = new Dictionary<string, string> { [WellKnown.LoadBalancerStatusAnnotation] = WriteBackPlanner.StatusNote(status) };
        return service;
    }

    [Fact]
    public void StatusNote_CarriesTheLoadBalancerAndIsWrittenOnlyWhenItDiffers()
    {
        var lb = new LoadBalancerSummary { Id = 113200000301, Name = "a1", Plan = "standard", RealServers = [new RealServerSummary("worker01", "10.0.0.11")] };
        var status = Status(ServicePhase.Ready, ips: "203.0.113.1") with { LoadBalancer = lb };
        var memory = new EventMemory { PhaseKey = "Ready/Ready" };

        var note = Assert.IsType<SetStatusNote>(Assert.Single(WriteBackPlanner.Plan(Tracked(Objects.Service(ingress: "203.0.113.1").WithFinalizer()), status, memory, Settings)));
        var written = ModelJson.Deserialize<LoadBalancerStatusNote>(note.Note)!;
        Assert.True(LoadBalancerSummary.Same(lb, written.LoadBalancer));
        Assert.Equal((ServicePhase.Ready, "Ready", Updated), (written.Phase, written.ReasonCode, written.UpdatedAt));

        Assert.Empty(WriteBackPlanner.Plan(Tracked(Noted(Objects.Service(ingress: "203.0.113.1").WithFinalizer(), status)), status, memory, Settings));
        var moved = status with { LoadBalancer = lb with { RealServers = [] } };
        Assert.IsType<SetStatusNote>(Assert.Single(WriteBackPlanner.Plan(Tracked(Noted(Objects.Service(ingress: "203.0.113.1").WithFinalizer(), status)), moved, memory, Settings)));
    }

    [Fact]
    public void StatusNote_IsNotWrittenWhileTheServiceIsBeingDeleted()
    {
        var deleting = Objects.Service(deletion: DateTime.UtcNow).WithFinalizer();

        Assert.DoesNotContain(WriteBackPlanner.Plan(Tracked(deleting), Status(ServicePhase.Deleting), null, Settings), a => a is SetStatusNote);
    }

    private static TrackedService Requesting(string request) =>
        Tracked(Objects.Service(annotations: new Dictionary<string, string> { [WellKnown.ResyncRequestedAtAnnotation] = request }).WithFinalizer());

    [Fact]
    public void ResyncAnswer_ForTheCurrentRequest_IsRecordedOnceAsANormalEvent()
    {
        var status = Status(ServicePhase.Ready, ips: "203.0.113.1") with { Resync = new ResyncOutcome("t1", 2.14, "no change") };
        var memory = new EventMemory();
        memory.Recorded(WriteBackPlanner.PhaseKeyOf(status), null);

        var resync = Assert.IsType<RecordEvent>(Assert.Single(WriteBackPlanner.Plan(Requesting("t1"), status, memory, Settings), a => a is RecordEvent));
        Assert.Equal(("Normal", "Resynced", "Resync", "Resync requested; reconciled in 2.1 s: no change"), (resync.Type, resync.Reason, resync.Action, resync.Note));
        Assert.Equal("t1", resync.ResyncRequest);

        memory.Recorded(resync.PhaseKey, resync.WarningKey, resync.ResyncRequest);
        Assert.DoesNotContain(WriteBackPlanner.Plan(Requesting("t1"), status, memory, Settings), a => a is RecordEvent);
    }

    [Fact]
    public void ResyncAnswer_ToAnEarlierRequest_RecordsNothing()
    {
        var status = Status(ServicePhase.Ready, ips: "203.0.113.1") with { Resync = new ResyncOutcome("t1", 1, "no change") };
        var memory = new EventMemory();
        memory.Recorded(WriteBackPlanner.PhaseKeyOf(status), null);

        Assert.DoesNotContain(WriteBackPlanner.Plan(Requesting("t2"), status, memory, Settings), a => a is RecordEvent);
    }

    [Fact]
    public void ResyncEventNames_DifferPerRequestAndRepeatForTheSameRequest()
    {
        var status = Status(ServicePhase.Failed, reason: "InvalidAnnotation") with { Resync = new ResyncOutcome("t1", 0.5, "no change") };
        RecordEvent Resync(string request) => WriteBackPlanner.Plan(Requesting(request), status with { Resync = status.Resync! with { Request = request } }, null, Settings)
            .OfType<RecordEvent>().Single(e => e.Reason == WriteBackPlanner.ReasonResynced);

        Assert.Equal(Resync("t1").EventName, Resync("t1").EventName);
        Assert.NotEqual(Resync("t1").EventName, Resync("t2").EventName);
        Assert.Equal("Resync requested; reconciled in 0.5 s: no change; now Failed (InvalidAnnotation): Failed message", Resync("t1").Note);
    }

    [Fact]
    public void WithoutFinalizer_OnlyTheFinalizerIsAdded()
    {
        var actions = WriteBackPlanner.Plan(Tracked(Objects.Service()), Status(ServicePhase.Ready, ips: "203.0.113.1"), null, Settings);

        var add = Assert.IsType<AddFinalizer>(Assert.Single(actions));
        Assert.Equal(("default", "web", "10", false), (add.Namespace, add.Name, add.ResourceVersion, add.HasFinalizerList));
    }

    [Fact]
    public void NoStatusYet_NothingIsWritten() =>
        Assert.Empty(WriteBackPlanner.Plan(Tracked(Objects.Service().WithFinalizer()), null, null, Settings));

    [Fact]
    public void Ready_WritesTheIngressWithIpModeVipThenTheEvent()
    {
        var actions = WriteBackPlanner.Plan(Tracked(Objects.Service().WithFinalizer()), Status(ServicePhase.Ready, ips: "203.0.113.1"), null, Settings);

        Assert.Collection(
            actions,
            a => Assert.Equal([new IngressPoint("203.0.113.1", "VIP")], Assert.IsType<SetIngress>(a).Ingress),
            a => Assert.Equal("uid-web", Assert.IsType<SetStatusNote>(a).Uid),
            a =>
            {
                var e = Assert.IsType<RecordEvent>(a);
                Assert.Equal(("Normal", "Ready", "EnsureLoadBalancer", "Ready message"), (e.Type, e.Reason, e.Action, e.Note));
                Assert.StartsWith("web.", e.EventName, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void SameIngressAndPhaseAlreadyRecorded_NothingIsWritten()
    {
        var memory = new EventMemory { PhaseKey = "Ready/Ready" };

        var status = Status(ServicePhase.Ready, ips: "203.0.113.1");

        var actions = WriteBackPlanner.Plan(Tracked(Noted(Objects.Service(ingress: "203.0.113.1").WithFinalizer(), status)), status, memory, Settings);

        Assert.Empty(actions);
    }

    [Fact]
    public void IngressWithoutIpMode_IsRewritten()
    {
        var service = Objects.Service(ingress: "203.0.113.1").WithFinalizer();
        service.Status.LoadBalancer.Ingress[0].IpMode = null;

        var status = Status(ServicePhase.Ready, ips: "203.0.113.1");

        var actions = WriteBackPlanner.Plan(Tracked(Noted(service, status)), status, new EventMemory { PhaseKey = "Ready/Ready" }, Settings);

        Assert.IsType<SetIngress>(Assert.Single(actions));
    }

    [Theory]
    [InlineData(ServicePhase.Failed, "AddressesExhausted", "Warning")]
    [InlineData(ServicePhase.Provisioning, "CloudBusy", "Warning")]
    [InlineData(ServicePhase.Provisioning, "Provisioning", "Normal")]
    [InlineData(ServicePhase.Ready, "Adopted", "Normal")]
    public void EventType_FollowsTheReasonsSeverity(ServicePhase phase, string reason, string type)
    {
        var actions = WriteBackPlanner.Plan(Tracked(Objects.Service().WithFinalizer()), Status(phase, reason), null, Settings);

        Assert.Equal(type, actions.OfType<RecordEvent>().Single().Type);
    }

    [Fact]
    public void FailureWithoutIps_KeepsTheLastIngress()
    {
        var actions = WriteBackPlanner.Plan(Tracked(Objects.Service(ingress: "203.0.113.1").WithFinalizer()), Status(ServicePhase.Failed, "LoadBalancerFailed"), null, Settings);

        Assert.DoesNotContain(actions, a => a is SetIngress);
    }

    [Fact]
    public void Warnings_AreRecordedOnceEach()
    {
        var status = Status(ServicePhase.Ready, ips: "203.0.113.1") with
        {
            Warnings = [new StatusWarning("NodeWithoutServer", "node a"), new StatusWarning("NodeWithoutServer", "node b")],
        };
        var memory = new EventMemory { PhaseKey = "Ready/Ready" };
        memory.Warnings.Add("NodeWithoutServer\nnode a");

        var events = WriteBackPlanner.Plan(Tracked(Objects.Service(ingress: "203.0.113.1").WithFinalizer()), status, memory, Settings).OfType<RecordEvent>().ToArray();

        var warning = Assert.Single(events);
        Assert.Equal(("Warning", "NodeWithoutServer", "node b"), (warning.Type, warning.Reason, warning.Note));
    }

    [Fact]
    public void DeletingWithReleasableStatus_RecordsTheEventThenRemovesTheFinalizer()
    {
        var service = Objects.Service(finalizers: ["example.com/other"], deletion: DateTime.UtcNow, ingress: "203.0.113.1").WithFinalizer();

        var actions = WriteBackPlanner.Plan(Tracked(service), Status(ServicePhase.Deleted, releasable: true), null, Settings);

        Assert.Collection(
            actions,
            a => Assert.Equal(("Deleted", "DeleteLoadBalancer"), (Assert.IsType<RecordEvent>(a).Reason, ((RecordEvent)a).Action)),
            a => Assert.Equal(1, Assert.IsType<RemoveFinalizer>(a).Index));
    }

    [Fact]
    public void DeletingWithAReleasableStatusFromAnOlderVersion_KeepsTheFinalizer()
    {
        // The deletion appeared at version 12; the function's verdict was computed from version 11.
        var service = Objects.Service(rv: "12", deletion: DateTime.UtcNow).WithFinalizer();
        var stale = Status(ServicePhase.Deleted, releasable: true) with { ObservedResourceVersion = "11" };

        Assert.DoesNotContain(WriteBackPlanner.Plan(Tracked(service), stale, null, Settings), a => a is RemoveFinalizer);
        Assert.Contains(WriteBackPlanner.Plan(Tracked(service), stale with { ObservedResourceVersion = "12" }, null, Settings), a => a is RemoveFinalizer);
    }

    [Fact]
    public void DeletingNotYetReleasable_KeepsTheFinalizer()
    {
        var service = Objects.Service(deletion: DateTime.UtcNow).WithFinalizer();

        var actions = WriteBackPlanner.Plan(Tracked(service), Status(ServicePhase.Deleting), null, Settings);

        Assert.DoesNotContain(actions, a => a is RemoveFinalizer);
    }

    [Fact]
    public void ReleasableButTheServiceStillWantsALoadBalancer_KeepsTheFinalizer()
    {
        // A stale feed entry from before the Service was switched back to LoadBalancer.
        var actions = WriteBackPlanner.Plan(Tracked(Objects.Service(ingress: "203.0.113.1").WithFinalizer()), Status(ServicePhase.Deleted, releasable: true), null, Settings);

        Assert.DoesNotContain(actions, a => a is RemoveFinalizer or SetIngress);
    }

    [Fact]
    public void TypeChangedAndDeleted_ClearsTheIngressAndReleases()
    {
        var service = Objects.Service(type: "ClusterIP", ingress: "203.0.113.1").WithFinalizer();

        var actions = WriteBackPlanner.Plan(Tracked(service), Status(ServicePhase.Deleted, releasable: true), null, Settings);

        Assert.Empty(Assert.IsType<SetIngress>(actions[0]).Ingress);
        Assert.IsType<RemoveFinalizer>(actions[^1]);
    }

    [Fact]
    public void EventName_IsStablePerContentAndAValidName()
    {
        var a = WriteBackPlanner.EventName("web", "uid-1", "phase\nReady/Ready\n1");
        var b = WriteBackPlanner.EventName("web", "uid-1", "phase\nReady/Ready\n1");
        var c = WriteBackPlanner.EventName("web", "uid-1", "phase\nReady/Ready\n2");

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Matches("^web\\.[0-9a-f]{16}$", a);
    }
}
