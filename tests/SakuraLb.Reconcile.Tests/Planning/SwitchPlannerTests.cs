using static SakuraLb.Reconcile.Tests.Fixtures;
using static SakuraLb.Reconcile.Tests.Planning.PlanningFixtures;

namespace SakuraLb.Reconcile.Tests.Planning;

/// <summary>The planner on a plain switch: the same rules as on a router, with the Service's pool and gateway.</summary>
public sealed class SwitchPlannerTests
{
    private static DesiredLoadBalancer Desired(params (string Name, string Value)[] annotations) => BuildOnSwitch(Service(OnSwitch(annotations)));

    [Fact]
    public void Plan_Create_OnThePlainSwitchWithThePoolsAddressesTheMaskAndTheGateway()
    {
        var cloud = new CloudModel();

        var plan = PlanEnsure(cloud, Desired());

        Assert.Equal(["ReserveAddresses", "Report", "CreateLoadBalancer", "WaitUntilUp", "ApplyConfig"], Kinds(plan));
        Assert.All(((ReserveAddresses)plan.Steps[0]).Addresses, r => Assert.Equal(PrivateSwitchId, r.SwitchId));
        var create = ((CreateLoadBalancer)plan.Steps[2]).Spec;
        Assert.Equal((PrivateSwitchId, 16, Ip("10.240.0.1"), 1), (create.SwitchId, create.NetworkMaskLen, create.DefaultRoute, create.Vrid));
        Assert.Equal([Ip("10.240.100.1")], create.OwnAddresses);
        Assert.Equal(Ip("10.240.100.2"), create.Vip);
        Assert.Equal([Ip("10.240.0.11"), Ip("10.240.0.12")], create.Settings.Single().Servers.Select(s => s.IPAddress));
        Assert.Contains("on switch k8s-private", plan.Steps.OfType<Report>().Single().Message, StringComparison.Ordinal);
        Assert.Equal((ServicePhase.Ready, "10.240.100.2"), (plan.Outcome.Phase, plan.Outcome.IngressIps.Single()));
    }

    [Fact]
    public void Plan_CreateHaPremiumWithoutGateway_TwoOwnAddressesAndNoDefaultRoute()
    {
        var annotations = OnSwitch(("load-balancer-ha", "true"), ("load-balancer-plan", "premium"));
        annotations.Remove(WellKnown.AnnotationPrefix + "load-balancer-assign-default-gateway");

        var create = PlanEnsure(new CloudModel(), BuildOnSwitch(Service(annotations))).Steps.OfType<CreateLoadBalancer>().Single().Spec;

        Assert.Equal((LoadBalancerPlan.Premium, true, (Ipv4Address?)null), (create.Plan, create.HighAvailability, create.DefaultRoute));
        Assert.Equal([Ip("10.240.100.1"), Ip("10.240.100.2")], create.OwnAddresses);
        Assert.Equal(Ip("10.240.100.3"), create.Vip);
    }

    [Fact]
    public void Plan_Create_SkipsWhatIsUsedOnTheSwitchAndOtherServicesReservations()
    {
        var cloud = new CloudModel();
        cloud.OtherInUse.UnionWith([Ip("10.240.100.1"), Ip("10.240.100.3")]);
        cloud.Reservations.Add(new AddressReservation(PrivateSwitchId, Ip("10.240.100.2"), "other", AddressRole.Vip));
        cloud.Reservations.Add(new AddressReservation(SwitchId, Ip("10.240.100.4"), "other", AddressRole.Vip));
        cloud.Add(new ObservedLoadBalancer { Name = "other", SwitchId = PrivateSwitchId, Vrid = 1, OwnIps = ["10.240.100.5"], Availability = ApplianceAvailability.Available, InstanceStatus = InstanceStatus.Up });

        var create = PlanEnsure(cloud, Desired()).Steps.OfType<CreateLoadBalancer>().Single().Spec;

        Assert.Equal([Ip("10.240.100.4")], create.OwnAddresses);
        Assert.Equal(Ip("10.240.100.6"), create.Vip);
        Assert.Equal(2, create.Vrid);
    }

    [Fact]
    public void Plan_RequestedVipInThePool_IsTheVipAndNeverAnOwnAddress()
    {
        var create = PlanEnsure(new CloudModel(), BuildOnSwitch(Service(OnSwitch()) with { LoadBalancerIP = "10.240.100.1" })).Steps.OfType<CreateLoadBalancer>().Single().Spec;

        Assert.Equal([Ip("10.240.100.2")], create.OwnAddresses);
        Assert.Equal(Ip("10.240.100.1"), create.Vip);
    }

    [Fact]
    public void Plan_PortChange_UpdatesInPlace()
    {
        var cloud = Converged(Desired());
        var desired = BuildOnSwitch(Service(OnSwitch(), 80, 443));

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(["UpdateSettings", "ApplyConfig"], Kinds(plan));
        Assert.Equal([80, 443], ((UpdateSettings)plan.Steps[0]).Settings.Select(v => v.Port));
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
    }

    [Fact]
    public void Plan_RequestedVipChanged_MovesTheVipInPlace()
    {
        var cloud = Converged(Desired());
        var desired = BuildOnSwitch(Service(OnSwitch()) with { LoadBalancerIP = "10.240.100.50" });

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(["ReserveAddresses", "UpdateSettings", "ApplyConfig", "ReleaseAddresses"], Kinds(plan));
        Assert.Equal((PrivateSwitchId, Ip("10.240.100.50")), ((ReserveAddresses)plan.Steps[0]).Addresses.Select(r => (r.SwitchId, r.Address)).Single());
        Assert.Equal(Ip("10.240.100.2"), ((ReleaseAddresses)plan.Steps[3]).Addresses.Single().Address);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
        Assert.Equal(["10.240.100.1", "10.240.100.50"], cloud.Reservations.Select(r => r.Address.ToString()).Order());
    }

    [Fact]
    public void Plan_PoolChangedAroundTheOwnAddress_MovesOnlyTheVip()
    {
        var cloud = Converged(BuildOnSwitch(Service(OnSwitch()) with { LoadBalancerIP = "10.240.100.200" }));
        var desired = Desired(("load-balancer-assign-ip-range", "10.240.100.0/25"));

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(["ReserveAddresses", "UpdateSettings", "ApplyConfig", "ReleaseAddresses"], Kinds(plan));
        Assert.Equal(["10.240.100.2"], plan.Outcome.IngressIps);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
    }

    public static TheoryData<(string Name, string Value)[], string> ImmutableChanges() => new()
    {
        { [("load-balancer-ip-range", "10.240.0.0/17")], "network mask (/16 → /17)" },
        { [("load-balancer-assign-default-gateway", "10.240.0.254")], "default gateway (10.240.0.1 → 10.240.0.254)" },
        { [("load-balancer-assign-ip-range", "10.240.101.0/24")], "addresses (10.240.100.1 outside 10.240.101.1–10.240.101.254" },
        { [("load-balancer-ha", "true")], "HA (single → HA pair)" },
    };

    [Theory]
    [MemberData(nameof(ImmutableChanges))]
    public void Plan_RangesOrGatewayChangedWithoutOptIn_ReportedAndNothingChanges((string Name, string Value)[] change, string message)
    {
        var cloud = Converged(Desired());

        var plan = PlanEnsure(cloud, Desired(change));

        Assert.Equal(ReasonCodes.RecreateRequired, plan.Outcome.ReasonCode);
        Assert.Contains(message, plan.Outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Steps, s => s is CreateLoadBalancer or DeleteLoadBalancer or ShutDown);
        Assert.Equal(["10.240.100.2"], plan.Outcome.IngressIps);
    }

    [Fact]
    public void Plan_GatewayChangedWithOptIn_RecreatesKeepingTheAddresses()
    {
        var cloud = Converged(Desired());
        var desired = Desired(("load-balancer-assign-default-gateway", "10.240.0.254"), ("load-balancer-recreate-allowed", "true"));

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(["Report", "ShutDown", "WaitUntilDown", "DeleteLoadBalancer", "Report", "CreateLoadBalancer", "WaitUntilUp", "ApplyConfig"], Kinds(plan));
        var create = plan.Steps.OfType<CreateLoadBalancer>().Single().Spec;
        Assert.Equal((Ip("10.240.0.254"), Ip("10.240.100.2")), (create.DefaultRoute, create.Vip));
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
    }

    [Fact]
    public void Plan_TypeChangedFromInternet_NeedsTheOptInThenMovesToTheSwitchAndReleasesTheGlobalAddresses()
    {
        var cloud = new CloudModel();
        var internet = BuildDesired(Service(), workers: 2);
        cloud.Apply(Planner.Plan(cloud.Input(ServiceIntent.Ensure, Uid, internet, Settings)));

        var blocked = PlanEnsure(cloud, Desired());
        var allowed = PlanEnsure(cloud, Desired(("load-balancer-recreate-allowed", "true")));

        Assert.Equal(ReasonCodes.RecreateRequired, blocked.Outcome.ReasonCode);
        Assert.Contains($"switch (switch {SwitchId} → k8s-private, switch {PrivateSwitchId})", blocked.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(blocked.Steps);
        Assert.Equal(["203.0.113.101"], blocked.Outcome.IngressIps);
        cloud.Apply(allowed);
        Assert.Equal(PrivateSwitchId, Assert.Single(cloud.LoadBalancers).SwitchId);
        Assert.All(cloud.Reservations, r => Assert.Equal(PrivateSwitchId, r.SwitchId));
        Assert.Equal(["10.240.100.2"], allowed.Outcome.IngressIps);
    }

    [Fact]
    public void Plan_SelectorMovesItToAnotherPlainSwitch_NeedsTheOptInThenMovesTheReservations()
    {
        // Two plain switches with the same network, told apart by switch-selector; the workers have a NIC on each.
        const long OtherSwitchId = PrivateSwitchId + 1;
        var context = SwitchContext() with { Switches = [PrivateSwitch with { Tags = ["@k8s", "@k8s.ClusterID=prod-1", "@k8s.a"] }, new PlainSwitch(OtherSwitchId, "k8s-private-b", ["@k8s", "@k8s.ClusterID=prod-1", "@k8s.b"])] };
        context = context with { Servers = [.. context.Servers.Select((s, i) => s with { Nics = [.. s.Nics, new CloudServerNic { SwitchId = OtherSwitchId, UserIPAddress = $"10.240.0.{21 + i}" }] })] };
        DesiredLoadBalancer On(params (string Name, string Value)[] annotations)
        {
            var result = DesiredLoadBalancerBuilder.Build(Service(OnSwitch(annotations)), Settings, context);
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
            return result.Desired!;
        }

        var cloud = Converged(On(("switch-selector", "@k8s.a")));
        var blocked = PlanEnsure(cloud, On(("switch-selector", "@k8s.b")));
        var allowed = PlanEnsure(cloud, On(("switch-selector", "@k8s.b"), ("load-balancer-recreate-allowed", "true")));

        Assert.Equal(ReasonCodes.RecreateRequired, blocked.Outcome.ReasonCode);
        Assert.Contains($"switch (switch {PrivateSwitchId} → k8s-private-b, switch {OtherSwitchId})", blocked.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(blocked.Steps);
        cloud.Apply(allowed);
        var moved = Assert.Single(cloud.LoadBalancers);
        Assert.Equal(OtherSwitchId, moved.SwitchId);
        Assert.All(cloud.Reservations, r => Assert.Equal(OtherSwitchId, r.SwitchId));
    }

    [Fact]
    public void Plan_VridIsUniqueAmongTheAppliancesOnTheSwitchOnly()
    {
        var cloud = new CloudModel();
        cloud.Add(new ObservedLoadBalancer { Name = "x", SwitchId = SwitchId, Vrid = 1, Availability = ApplianceAvailability.Available, InstanceStatus = InstanceStatus.Up });
        cloud.Add(new ObservedLoadBalancer { Name = "y", SwitchId = PrivateSwitchId, Vrid = 2, Availability = ApplianceAvailability.Available, InstanceStatus = InstanceStatus.Up });

        Assert.Equal(1, PlanEnsure(cloud, Desired()).Steps.OfType<CreateLoadBalancer>().Single().Spec.Vrid);
    }

    [Fact]
    public void Plan_Cleanup_DeletesAndReleasesTheSwitchReservations()
    {
        var cloud = Converged(Desired());

        var plan = Planner.Plan(cloud.Input(ServiceIntent.Cleanup, Uid, null, Settings));
        cloud.Apply(plan);

        Assert.Equal(["Report", "ShutDown", "WaitUntilDown", "DeleteLoadBalancer", "ReleaseAddresses"], Kinds(plan));
        Assert.Empty(cloud.LoadBalancers);
        Assert.Empty(cloud.Reservations);
    }
}
