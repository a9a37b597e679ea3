using SakuraLb.Relay.Projection;
using SakuraLb.Relay.Status;
using SakuraLb.Relay.Telemetry;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class BackendHealthWritesTests
{
    private static readonly ControllerSettings Settings = new() { ClusterId = "c" };
    private static readonly DateTimeOffset Checked = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);
    private static readonly StatusCondition Degraded = new("BackendsHealthy", "False", "RealServersDown", "2/3 real servers up on port 80 (down: worker02)");
    private static readonly HealthEvent Down = new("RealServerDown/203.0.113.101/80/1", "Warning", "RealServerDown", "Real server worker02 (203.0.113.101) is DOWN on port 80", Checked);

    private static TrackedService Tracked(V1Service service, params V1Condition[] conditions)
    {
        var snapshot = ServiceProjection.Project(service);
        // The Service already carries the status note of these statuses (the note leaves the health out), so the plans
        // below hold only what the health asks for.
        return new TrackedService(snapshot, Fingerprint.Of(snapshot), ServiceProjection.Ingress(service))
        {
            Conditions = conditions,
            StatusNote = WriteBackPlanner.StatusNote(Ready(null)),
        };
    }

    private static ServiceStatus Ready(BackendHealth? backends) => new()
    {
        Uid = "uid-web",
        Namespace = "default",
        Name = "web",
        Phase = ServicePhase.Ready,
        ReasonCode = "Ready",
        Message = "up",
        IngressIps = ["203.0.113.1"],
        ObservedResourceVersion = "10",
        UpdatedAt = Checked,
        Backends = backends,
    };

    private static BackendHealth Health(StatusCondition condition, params HealthEvent[] events) => new()
    {
        CheckedAt = Checked,
        Servers = [new RealServerState("203.0.113.101", 80, "worker02", false, true, Checked, 0, 0), new RealServerState("203.0.113.100", 80, "worker01", true, true, Checked, 3, 7)],
        Ports = [new PortLoad(80, 3, 7)],
        Events = events,
        Condition = condition,
    };

    private static EventMemory Recorded() => new() { PhaseKey = "Ready/Ready" };

    [Fact]
    public void NewHealth_WritesTheConditionAndRecordsTheTransitionOnce()
    {
        var service = Objects.Service(ingress: "203.0.113.1").WithFinalizer();
        var memory = Recorded();

        var actions = WriteBackPlanner.Plan(Tracked(service), Ready(Health(Degraded, Down)), memory, Settings);

        Assert.Collection(
            actions,
            a =>
            {
                var set = Assert.IsType<SetCondition>(a);
                var c = Assert.Single(set.Conditions);
                Assert.Equal(("BackendsHealthy", "False", "RealServersDown", Degraded.Message), (c.Type, c.Status, c.Reason, c.Message));
                Assert.Equal(Checked.UtcDateTime, c.LastTransitionTime);
                Assert.Equal("uid-web", set.Uid);
            },
            a =>
            {
                var e = Assert.IsType<RecordEvent>(a);
                Assert.Equal(("Warning", "RealServerDown", "CheckBackends", Down.Message), (e.Type, e.Reason, e.Action, e.Note));
                Assert.Equal(WriteBackPlanner.EventName("web", "uid-web", BackendHealthWrites.MemoryKey(Down)), e.EventName);
            });

        memory.Recorded(null, BackendHealthWrites.MemoryKey(Down));
        var written = new V1Condition { Type = Degraded.Type, Status = Degraded.Status, Reason = Degraded.Reason, Message = Degraded.Message, LastTransitionTime = Checked.UtcDateTime };
        Assert.Empty(WriteBackPlanner.Plan(Tracked(service, written), Ready(Health(Degraded, Down)), memory, Settings));
    }

    [Fact]
    public void Conditions_KeepOtherTypesAndTheTransitionTimeWhileTheStatusStays()
    {
        var other = new V1Condition { Type = "Other", Status = "True", Reason = "X", Message = "m", LastTransitionTime = Checked.UtcDateTime.AddDays(-1) };
        var before = new V1Condition { Type = "BackendsHealthy", Status = "False", Reason = "RealServersDown", Message = "1/3 real servers up on port 80", LastTransitionTime = Checked.UtcDateTime.AddHours(-1) };

        var next = BackendHealthWrites.Conditions([other, before], Degraded, Checked)!;

        Assert.Equal(["Other", "BackendsHealthy"], next.Select(c => c.Type));
        Assert.Equal(Checked.UtcDateTime.AddHours(-1), next[1].LastTransitionTime);
        Assert.Equal(Degraded.Message, next[1].Message);

        var healed = BackendHealthWrites.Conditions(next, new StatusCondition("BackendsHealthy", "True", "AllRealServersUp", "3/3 real servers up on port 80"), Checked.AddMinutes(5))!;
        Assert.Equal(Checked.AddMinutes(5).UtcDateTime, healed[1].LastTransitionTime);
    }

    [Fact]
    public void ConditionPatch_IsAMergePatchOfEveryConditionNamingTheUid()
    {
        var patch = BackendHealthWrites.ConditionPatch(new SetCondition("default", "web", "uid-web", [new V1Condition { Type = "BackendsHealthy", Status = "True", Reason = "AllRealServersUp", Message = "3/3", LastTransitionTime = Checked.UtcDateTime }]));

        Assert.Equal(V1Patch.PatchType.MergePatch, patch.Type);
        Assert.Equal(
            """{"metadata":{"uid":"uid-web"},"status":{"conditions":[{"type":"BackendsHealthy","status":"True","lastTransitionTime":"2026-11-26T14:00:00Z","reason":"AllRealServersUp","message":"3/3"}]}}""",
            (string)patch.Content);
    }

    [Fact]
    public void DeletingOrNoHealth_WritesNothingForHealth()
    {
        var deleting = Objects.Service(ingress: "203.0.113.1").WithFinalizer();
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;

        Assert.DoesNotContain(WriteBackPlanner.Plan(Tracked(deleting), Ready(Health(Degraded, Down)), Recorded(), Settings), a => a is SetCondition || (a is RecordEvent e && e.Action == "CheckBackends"));
        Assert.Empty(WriteBackPlanner.Plan(Tracked(Objects.Service(ingress: "203.0.113.1").WithFinalizer()), Ready(null), Recorded(), Settings));
    }

    [Fact]
    public void Measurements_LabelEachServerAndPort_AndLeaveDisabledServersOut()
    {
        var health = Health(Degraded) with
        {
            Servers = [.. Health(Degraded).Servers, new RealServerState("203.0.113.102", 80, null, false, false, Checked, 0, 0)],
        };

        var m = BackendMeasurements.Of([Ready(health), Ready(null) with { Uid = "other", Name = "other" }]);

        Assert.Equal(
            ["default/web/worker02/80=0", "default/web/worker01/80=1"],
            m.Up.Select(x => $"{x.Labels[0].Value}/{x.Labels[1].Value}/{x.Labels[2].Value}/{x.Labels[3].Value}={x.Value}"));
        Assert.Equal(["namespace", "service", "node", "port"], m.Up[0].Labels.Select(l => l.Key));
        Assert.Equal(3.0, Assert.Single(m.ActiveConnections).Value);
        Assert.Equal(7.0, Assert.Single(m.ConnectionsPerSecond).Value);
        Assert.Equal(["namespace", "service", "port"], m.ConnectionsPerSecond[0].Labels.Select(l => l.Key));
    }

    [Fact]
    public void Measurements_AreBounded()
    {
        var servers = Enumerable.Range(0, 400).Select(i => new RealServerState($"10.0.{i / 250}.{i % 250}", 80 + (i % 10), $"n{i}", true, true, Checked, 0, 0)).ToArray();
        var statuses = Enumerable.Range(0, 30).Select(i => Ready(Health(Degraded) with { Servers = servers }) with { Uid = $"u{i}", Name = $"s{i}" });

        Assert.Equal(BackendMeasurements.MaxSeries, BackendMeasurements.Of(statuses).Up.Count);
    }
}
