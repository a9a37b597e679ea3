using SakuraLb.Model;
using SakuraLb.Reconcile;
using SakuraLb.Relay.Projection;
using SakuraLb.Relay.Status;
using SakuraLb.Relay.Tests.Support;
using SakuraLb.Relay.Tracking;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class WriteBackPlannerTests
{
    private static readonly ControllerSettings Settings = new() { ClusterId = "c" };
    private static readonly DateTimeOffset Updated = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);

    private static TrackedService Tracked(k8s.Models.V1Service service)
    {
        var snapshot = ServiceProjection.Project(service);
        return new TrackedService(snapshot, Fingerprint.Of(snapshot), ServiceProjection.Ingress(service));
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

        var actions = WriteBackPlanner.Plan(Tracked(Objects.Service(ingress: "203.0.113.1").WithFinalizer()), Status(ServicePhase.Ready, ips: "203.0.113.1"), memory, Settings);

        Assert.Empty(actions);
    }

    [Fact]
    public void IngressWithoutIpMode_IsRewritten()
    {
        var service = Objects.Service(ingress: "203.0.113.1").WithFinalizer();
        service.Status.LoadBalancer.Ingress[0].IpMode = null;

        var actions = WriteBackPlanner.Plan(Tracked(service), Status(ServicePhase.Ready, ips: "203.0.113.1"), new EventMemory { PhaseKey = "Ready/Ready" }, Settings);

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
