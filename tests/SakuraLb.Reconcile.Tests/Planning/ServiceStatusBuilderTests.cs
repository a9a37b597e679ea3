using SakuraLb.Model;
using SakuraLb.Reconcile.Planning;
using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Planning;

public sealed class ServiceStatusBuilderTests
{
    [Fact]
    public void From_ReadyOutcome_ProvisionedTrueNotDegraded()
    {
        var outcome = new PlanOutcome(ServicePhase.Ready, ReasonCodes.Ready, "up", ["203.0.113.101"], false, []);

        var status = ServiceStatusBuilder.From(Service(), outcome, ModelSamplesAt);

        Assert.Equal(Uid, status.Uid);
        Assert.Equal("100", status.ObservedResourceVersion);
        Assert.Equal(["203.0.113.101"], status.IngressIps);
        Assert.Equal(ModelSamplesAt, status.UpdatedAt);
        Assert.Equal([("LoadBalancerProvisioned", "True"), ("Degraded", "False")], status.Conditions!.Select(c => (c.Type, c.Status)));
        Assert.Empty(status.Warnings!);
    }

    [Fact]
    public void From_FailedOutcomeWithWarnings_CarriesReasonAndDedupedWarnings()
    {
        var warning = new ValidationProblem(ReasonCodes.NodeWithoutServer, "nodes ...: w3");
        var outcome = new PlanOutcome(ServicePhase.Failed, ReasonCodes.AddressesExhausted, "no free address", [], false, [warning, warning]);

        var status = ServiceStatusBuilder.From(Service(), outcome, ModelSamplesAt);

        Assert.Equal(ServicePhase.Failed, status.Phase);
        Assert.Equal(ReasonCodes.AddressesExhausted, status.ReasonCode);
        Assert.Equal(new StatusCondition("LoadBalancerProvisioned", "False", ReasonCodes.AddressesExhausted, "no free address"), status.Conditions![0]);
        Assert.Equal(new StatusCondition("Degraded", "True", ReasonCodes.NodeWithoutServer, "nodes ...: w3"), status.Conditions[1]);
        Assert.Single(status.Warnings!);
    }

    [Fact]
    public void From_Status_RoundTripsThroughTheProtocolJson()
    {
        var outcome = new PlanOutcome(ServicePhase.Deleted, ReasonCodes.Deleted, "gone", [], true, []);
        var feed = new StatusFeed { ClusterId = ClusterId, Services = [ServiceStatusBuilder.From(Service(), outcome, ModelSamplesAt)] };

        var back = ModelJson.Deserialize<StatusFeed>(ModelJson.Serialize(feed))!;

        Assert.True(back.Services[0].FinalizerReleasable);
        Assert.Equal(2, back.Services[0].Conditions!.Count);
    }

    private static DateTimeOffset ModelSamplesAt => new(2026, 8, 1, 12, 0, 0, TimeSpan.Zero);
}
