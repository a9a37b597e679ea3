using System.Text.Json;
using SakuraLb.Functions.Activities;
using SakuraLb.Model;
using SakuraLb.Reconcile;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Functions.Tests.Activities;

/// <summary>Activity inputs and outputs cross the durable boundary as JSON; the Functions worker uses web defaults.</summary>
public sealed class DurablePayloadTests
{
    [Fact]
    public void PlanResult_WithACreatePlan_RoundTripsThroughWebJson()
    {
        var vip = Ipv4Address.Parse("203.0.113.104");
        var settings = new[] { new VipSetting(vip, 80, 10, null, [new RealServerSetting(Ipv4Address.Parse("203.0.113.100"), 80, true, new HealthCheckSpec(HealthCheckProtocol.Http, "/", 200))]) };
        var plan = new Plan(
            [
                new ReserveAddresses([new AddressReservation(7, vip, "u", AddressRole.Vip)]),
                new CreateLoadBalancer(new LoadBalancerCreation
                {
                    Name = "au", Description = "d", Tags = ["@k8s"], SwitchId = 7, NetworkMaskLen = 28, DefaultRoute = Ipv4Address.Parse("203.0.113.97"),
                    Vrid = 1, OwnAddresses = [Ipv4Address.Parse("203.0.113.103")], Vip = vip, Settings = settings,
                }),
                new WaitUntilUp(null, "au"),
                new ApplyConfig(null),
                new Report(ServicePhase.Provisioning, ReasonCodes.Provisioning, "creating"),
            ],
            new PlanOutcome(ServicePhase.Ready, ReasonCodes.Ready, "ok", ["203.0.113.104"], false, [new ValidationProblem(ReasonCodes.NodeWithoutServer, "w")]),
            false);
        var result = new PlanResult { Exists = true, Intent = ServiceIntent.Ensure, Plan = plan, DesiredSeq = 3, NodeFingerprint = "f", Namespace = "n" };

        foreach (var options in new[] { JsonSerializerOptions.Web, JsonSerializerOptions.Default })
        {
            var back = JsonSerializer.Deserialize<PlanResult>(JsonSerializer.Serialize(result, options), options)!;

            Assert.Equal(5, back.Plan!.Steps.Count);
            var create = Assert.IsType<CreateLoadBalancer>(back.Plan.Steps[1]);
            Assert.Equal(vip, create.Spec.Vip);
            Assert.Equal("/", create.Spec.Settings[0].Servers[0].HealthCheck.Path);
            Assert.Equal(HealthCheckProtocol.Http, create.Spec.Settings[0].Servers[0].HealthCheck.Protocol);
            Assert.IsType<WaitUntilUp>(back.Plan.Steps[2]);
            Assert.Equal(ServiceIntent.Ensure, back.Intent);
            Assert.Equal(3, back.DesiredSeq);
            Assert.Equal(AddressRole.Vip, Assert.IsType<ReserveAddresses>(back.Plan.Steps[0]).Addresses[0].Role);
        }
    }

    [Fact]
    public void StepResultAndPublishInput_RoundTrip()
    {
        var step = StepResult.Failed(ReasonCodes.AuthFailed, "no") with { LoadBalancerId = 9 };
        var publish = new PublishInput("c", "u", "n", "s", "1", ServicePhase.Failed, "X", "m", ["1.2.3.4"], true, [new ValidationProblem("A", "b", "f")], 1, 2, "f", "h", true, false, DateTimeOffset.UnixEpoch);

        Assert.Equal(step, JsonSerializer.Deserialize<StepResult>(JsonSerializer.Serialize(step, JsonSerializerOptions.Web), JsonSerializerOptions.Web));
        var back = JsonSerializer.Deserialize<PublishInput>(JsonSerializer.Serialize(publish, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
        Assert.Equal(publish.Warnings, back.Warnings);
        Assert.Equal(publish.IngressIps, back.IngressIps);
        Assert.Equal(publish with { Warnings = back.Warnings, IngressIps = back.IngressIps }, back);
    }
}
