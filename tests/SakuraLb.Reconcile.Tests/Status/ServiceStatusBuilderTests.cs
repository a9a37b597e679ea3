using SakuraLb.Reconcile.Status;
using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Status;

public sealed class ServiceStatusBuilderTests
{
    private static readonly DateTimeOffset At = new(2026, 8, 1, 12, 0, 0, TimeSpan.Zero);

    private static PlanOutcome Outcome(ServicePhase phase, params ValidationProblem[] warnings) =>
        new(phase, ReasonCodes.Ready, "m", [], false, warnings);

    [Fact]
    public void Build_ReadyOutcome_CarriesTheSnapshotsIdentityAndTheOutcome()
    {
        var outcome = new PlanOutcome(ServicePhase.Ready, ReasonCodes.Ready, "up", ["203.0.113.101"], false, []);

        var status = ServiceStatusBuilder.Build(StatusSubject.Of(Service()), outcome, At);

        Assert.Equal((Uid, "default", "web", "100"), (status.Uid, status.Namespace, status.Name, status.ObservedResourceVersion));
        Assert.Equal(["203.0.113.101"], status.IngressIps);
        Assert.Equal((ServicePhase.Ready, ReasonCodes.Ready, "up", false), (status.Phase, status.ReasonCode, status.Message, status.FinalizerReleasable));
        Assert.Equal(At, status.UpdatedAt);
        Assert.Equal([new StatusCondition(ServiceStatusBuilder.ProvisionedCondition, "True", ReasonCodes.Ready, "up")], status.Conditions);
    }

    [Fact]
    public void SameContent_SeesANewResyncAnswerAndAChangedLoadBalancer()
    {
        var lb = new LoadBalancerSummary { Id = 1, Name = "a1", Plan = "standard", RealServers = [new RealServerSummary("w1", "10.0.0.1")] };
        var status = ServiceStatusBuilder.Build(StatusSubject.Of(Service()), Outcome(ServicePhase.Ready) with { LoadBalancer = lb }, At);

        Assert.True(ServiceStatusBuilder.SameContent(status, status with { LoadBalancer = lb with { RealServers = [new RealServerSummary("w1", "10.0.0.1")] } }));
        Assert.False(ServiceStatusBuilder.SameContent(status, status with { LoadBalancer = lb with { RealServers = [] } }));
        Assert.False(ServiceStatusBuilder.SameContent(status, status with { Resync = new ResyncOutcome("r1", 1, ResyncChanges.None) }));
    }

    [Theory]
    [InlineData(ServicePhase.Ready, "True")]
    [InlineData(ServicePhase.Failed, "False")]
    [InlineData(ServicePhase.Deleted, "False")]
    [InlineData(ServicePhase.Provisioning, "Unknown")]
    [InlineData(ServicePhase.Deleting, "Unknown")]
    public void Build_ProvisionedCondition_FollowsThePhase(ServicePhase phase, string expected)
    {
        var status = ServiceStatusBuilder.Build(StatusSubject.Of(Service()), Outcome(phase), At);

        Assert.Equal(expected, Assert.Single(status.Conditions!).Status);
    }

    [Fact]
    public void Build_NoWarnings_LeavesWarningsOut() =>
        Assert.Null(ServiceStatusBuilder.Build(StatusSubject.Of(Service()), Outcome(ServicePhase.Ready), At).Warnings);

    [Fact]
    public void Build_Warnings_AreDedupedAndInformationalOnesHidden()
    {
        var warning = new ValidationProblem(ReasonCodes.NodeWithoutServer, "nodes ...: w3");
        var informational = new ValidationProblem(ReasonCodes.Adopted, "adopted");

        var status = ServiceStatusBuilder.Build(StatusSubject.Of(Service()), Outcome(ServicePhase.Ready, warning, informational, warning), At);

        Assert.Equal([new StatusWarning(ReasonCodes.NodeWithoutServer, "nodes ...: w3")], status.Warnings);
    }

    [Fact]
    public void Build_OnlyInformationalWarnings_LeavesWarningsOut() =>
        Assert.Null(ServiceStatusBuilder.Build(
            StatusSubject.Of(Service()), Outcome(ServicePhase.Provisioning, new ValidationProblem(ReasonCodes.Recreating, "r")), At).Warnings);

    [Fact]
    public void Build_Status_RoundTripsThroughTheProtocolJson()
    {
        var outcome = new PlanOutcome(ServicePhase.Deleted, ReasonCodes.Deleted, "gone", [], true, []);
        var feed = new StatusFeed { ClusterId = ClusterId, Services = [ServiceStatusBuilder.Build(StatusSubject.Of(Service()), outcome, At)] };

        var back = ModelJson.Deserialize<StatusFeed>(ModelJson.Serialize(feed))!;

        Assert.True(back.Services[0].FinalizerReleasable);
        Assert.Equal("False", Assert.Single(back.Services[0].Conditions!).Status);
    }

    [Fact]
    public void SameContent_OnlyTheTimeDiffers_IsTheSame()
    {
        var subject = StatusSubject.Of(Service());
        var warning = new ValidationProblem(ReasonCodes.NodeWithoutServer, "w");

        Assert.True(ServiceStatusBuilder.SameContent(
            ServiceStatusBuilder.Build(subject, Outcome(ServicePhase.Ready, warning), At),
            ServiceStatusBuilder.Build(subject, Outcome(ServicePhase.Ready, warning), At.AddMinutes(5))));
    }

    [Fact]
    public void SameContent_NothingBefore_IsNotTheSame() =>
        Assert.False(ServiceStatusBuilder.SameContent(null, ServiceStatusBuilder.Build(StatusSubject.Of(Service()), Outcome(ServicePhase.Ready), At)));

    public static TheoryData<string, Func<ServiceStatus, ServiceStatus>> VisibleChanges => new()
    {
        { "phase", s => s with { Phase = ServicePhase.Failed } },
        { "reason", s => s with { ReasonCode = ReasonCodes.CloudError } },
        { "message", s => s with { Message = "other" } },
        { "resource version", s => s with { ObservedResourceVersion = "101" } },
        { "ingress", s => s with { IngressIps = ["203.0.113.102"] } },
        { "finalizer", s => s with { FinalizerReleasable = true } },
        { "warnings", s => s with { Warnings = [new StatusWarning(ReasonCodes.NodeWithoutServer, "w")] } },
        { "name", s => s with { Name = "other" } },
    };

    [Theory]
    [MemberData(nameof(VisibleChanges))]
    public void SameContent_AnythingTheRelayWrites_Differs(string what, Func<ServiceStatus, ServiceStatus> change)
    {
        var status = ServiceStatusBuilder.Build(StatusSubject.Of(Service()), Outcome(ServicePhase.Ready), At);

        Assert.False(ServiceStatusBuilder.SameContent(status, change(status)), what);
    }
}
