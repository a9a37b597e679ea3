using System.Text.Json;
using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Planning;

/// <summary>Plans, their inputs and the desired state travel as durable activity inputs and outputs.</summary>
public sealed class SerializationTests
{
    public static TheoryData<JsonSerializerOptions> Options() => [new JsonSerializerOptions(), new JsonSerializerOptions(JsonSerializerDefaults.Web)];

    [Theory]
    [MemberData(nameof(Options))]
    public void PlanInput_RoundTrip_PlansTheSame(JsonSerializerOptions options)
    {
        var cloud = new CloudModel();
        cloud.OtherInUse.Add(Ip("203.0.113.100"));
        cloud.Reservations.Add(new AddressReservation(SwitchId, Ip("203.0.113.102"), "other", AddressRole.Vip));
        cloud.Add(new ObservedLoadBalancer { Name = "x", SwitchId = SwitchId, Vrid = 1, OwnIps = ["203.0.113.103"], Availability = ApplianceAvailability.Available, InstanceStatus = InstanceStatus.Up });
        var desired = BuildDesired(Service(Ours(("load-balancer-healthz-protocol", "http"), ("load-balancer-sorry-server", "203.0.113.110"))) with { LoadBalancerIP = "203.0.113.105" }, workers: 3);
        var input = cloud.Input(ServiceIntent.Ensure, Uid, desired, Settings);

        var back = JsonSerializer.Deserialize<PlanInput>(JsonSerializer.Serialize(input, options), options)!;

        Assert.Equal(Router.Block, back.Desired!.Network.Block);
        Assert.Equal(Router.AssignableRange, back.Desired.Network.AssignableRange);
        Assert.Equal(desired.RealServers, back.Desired.RealServers);
        Assert.Equal(
            JsonSerializer.Serialize(Planner.Plan(input), options),
            JsonSerializer.Serialize(Planner.Plan(back), options));
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Plan_RoundTrip_KeepsEveryStep(JsonSerializerOptions options)
    {
        var cloud = new CloudModel();
        cloud.Apply(Planner.Plan(cloud.Input(ServiceIntent.Ensure, Uid, BuildDesired(), Settings)));
        var plan = Planner.Plan(cloud.Input(ServiceIntent.Cleanup, Uid, null, Settings));

        var json = JsonSerializer.Serialize(plan, options);
        var back = JsonSerializer.Deserialize<Plan>(json, options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, options));
        Assert.Equal(plan.Steps.Select(s => s.GetType()), back.Steps.Select(s => s.GetType()));
    }
}
