using System.Text.Json;
using static SakuraLb.Reconcile.Tests.Fixtures;
using static SakuraLb.Reconcile.Tests.Planning.PlanningFixtures;

namespace SakuraLb.Reconcile.Tests.Planning;

public sealed class PlannerTests
{
    private static readonly string OurName = LoadBalancerNaming.Name(Uid);

    private static ObservedLoadBalancer Single(CloudModel cloud) => Assert.Single(cloud.LoadBalancers);

    [Fact]
    public void Plan_NoLoadBalancer_ReservesCreatesWaitsAndApplies()
    {
        var cloud = new CloudModel();

        var plan = PlanEnsure(cloud);

        Assert.Equal(["ReserveAddresses", "Report", "CreateLoadBalancer", "WaitUntilUp", "ApplyConfig"], Kinds(plan));
        var reserve = (ReserveAddresses)plan.Steps[0];
        Assert.Equal(
            [(AddressRole.Vip, "203.0.113.101"), (AddressRole.Own, "203.0.113.100")],
            reserve.Addresses.Select(r => (r.Role, r.Address.ToString())));
        var create = ((CreateLoadBalancer)plan.Steps[2]).Spec;
        Assert.Equal(OurName, create.Name);
        Assert.Equal(SwitchId, create.SwitchId);
        Assert.Equal(28, create.NetworkMaskLen);
        Assert.Equal(Ip("203.0.113.97"), create.DefaultRoute);
        Assert.Equal(1, create.Vrid);
        Assert.Equal([Ip("203.0.113.100")], create.OwnAddresses);
        Assert.Equal(Ip("203.0.113.101"), create.Vip);
        Assert.Equal(LoadBalancerPlan.Standard, create.Plan);
        Assert.Equal(ReasonCodes.Provisioning, Provisioning(plan));
        Assert.Null(((WaitUntilUp)plan.Steps[3]).LoadBalancerId);
        Assert.Equal(ServicePhase.Ready, plan.Outcome.Phase);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
        Assert.False(plan.ReplanAfter);
    }

    private static string Provisioning(Plan plan) => plan.Steps.OfType<Report>().Single().ReasonCode;

    [Fact]
    public void Plan_Converged_NoSteps()
    {
        var cloud = Converged();

        var plan = PlanEnsure(cloud);

        Assert.Empty(plan.Steps);
        Assert.True(plan.IsNoOp);
        Assert.Equal(ReasonCodes.Ready, plan.Outcome.ReasonCode);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
    }

    [Fact]
    public void Plan_Converged_SummarisesTheLoadBalancerItsPlanAndRealServers()
    {
        var cloud = Converged();

        var summary = PlanEnsure(cloud).Outcome.LoadBalancer;

        Assert.NotNull(summary);
        Assert.NotNull(summary.Id);
        Assert.Equal("standard", summary.Plan);
        Assert.False(summary.HighAvailability);
        Assert.NotEmpty(summary.RealServers);
        Assert.All(summary.RealServers, r => Assert.False(string.IsNullOrEmpty(r.Node)));
    }

    [Fact]
    public void Plan_SameSettingsInOtherOrderAndForms_NoSteps()
    {
        var cloud = Converged(BuildDesired(Service(null, 80, 443), workers: 3));
        var lb = Single(cloud);
        var shuffled = lb with
        {
            Vips = [.. lb.Vips.Reverse().Select(v => v with
            {
                Port = " " + v.Port,
                DelayLoop = null,
                SorryServer = null,
                Servers = [.. v.Servers.Reverse().Select(s => s with { Enabled = "true", HealthCheck = s.HealthCheck! with { Protocol = "PING" } })],
            })],
        };
        cloud.LoadBalancers[0] = shuffled;

        Assert.Empty(PlanEnsure(cloud, BuildDesired(Service(null, 80, 443), workers: 3)).Steps);
    }

    [Fact]
    public void Plan_NodeAdded_RewritesSettingsWithHashAndApplies()
    {
        var cloud = Converged(BuildDesired(workers: 2));
        var hash = Single(cloud).SettingsHash;

        var plan = PlanEnsure(cloud, BuildDesired(workers: 3));

        Assert.Equal(["UpdateSettings", "ApplyConfig"], Kinds(plan));
        var update = (UpdateSettings)plan.Steps[0];
        Assert.Equal(hash, update.SettingsHash);
        Assert.Equal(3, Assert.Single(update.Settings).Servers.Count);
    }

    [Theory]
    [InlineData("load-balancer-healthz-interval", "20")]
    [InlineData("load-balancer-healthz-protocol", "tcp")]
    [InlineData("load-balancer-sorry-server", "203.0.113.110")]
    public void Plan_SettingsAnnotationChanged_UpdatesInPlace(string name, string value)
    {
        var cloud = Converged();

        var plan = PlanEnsure(cloud, BuildDesired(Service(Ours((name, value)))));

        Assert.Equal(["UpdateSettings", "ApplyConfig"], Kinds(plan));
    }

    [Fact]
    public void Plan_OriginalCcmLoadBalancer_IsAdoptedWithTagsAndReservations()
    {
        var cloud = Converged();
        var lb = Single(cloud);
        cloud.LoadBalancers[0] = lb with { Tags = ["@k8s", "@k8s.Service=web", "team=a"], Description = "" };
        cloud.Reservations.Clear();

        var plan = PlanEnsure(cloud);

        Assert.Equal(["ReserveAddresses", "UpdateTags"], Kinds(plan));
        var tags = (UpdateTags)plan.Steps[1];
        Assert.Equal(["@k8s", "@k8s.ClusterID=prod-1", "@k8s.Service=web", "@k8s.ServiceUID=" + Uid, "team=a"], tags.Tags);
        Assert.Equal("default/web", tags.Description);
        Assert.Contains(plan.Outcome.Warnings, w => w.Code == ReasonCodes.Adopted);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud).Steps);
    }

    [Fact]
    public void Plan_OwnLoadBalancerWithoutTheOwnerTag_IsClaimed_ByATagsUpdateOnly()
    {
        var cloud = Converged();
        var owned = BuildDesired(settings: Settings with { OwnerId = "0123456789abcdef0123456789abcdef" });

        var plan = PlanEnsure(cloud, owned);

        Assert.Equal(["UpdateTags"], Kinds(plan));
        Assert.Contains("@k8s.Owner=0123456789abcdef0123456789abcdef", ((UpdateTags)plan.Steps[0]).Tags);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, owned).Steps);
    }

    [Fact]
    public void Plan_ForeignClusterLoadBalancerWithOurName_NeverTouched()
    {
        var cloud = new CloudModel();
        cloud.Add(new ObservedLoadBalancer
        {
            Name = OurName,
            Tags = ["@k8s", "@k8s.ClusterID=staging"],
            Availability = ApplianceAvailability.Available,
            InstanceStatus = InstanceStatus.Up,
            SwitchId = SwitchId,
        });

        var ensure = PlanEnsure(cloud);
        var cleanup = PlanCleanup(cloud);

        Assert.Empty(ensure.Steps);
        Assert.Equal(ServicePhase.Failed, ensure.Outcome.Phase);
        Assert.Equal(ReasonCodes.ForeignOwner, ensure.Outcome.ReasonCode);
        Assert.Contains("staging", ensure.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(cleanup.Steps);
        Assert.True(cleanup.Outcome.FinalizerReleasable);
        Assert.Equal(ReasonCodes.ForeignOwner, Assert.Single(cleanup.Outcome.Warnings).Code);
    }

    [Fact]
    public void Plan_FailedLoadBalancer_DeletedAndRecreatedKeepingItsVip()
    {
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { Availability = ApplianceAvailability.Failed, InstanceStatus = InstanceStatus.Down };
        var failedId = Single(cloud).Id;

        var plan = PlanEnsure(cloud);

        Assert.Equal(["DeleteLoadBalancer", "Report", "CreateLoadBalancer", "WaitUntilUp", "ApplyConfig"], Kinds(plan));
        Assert.Equal(failedId, ((DeleteLoadBalancer)plan.Steps[0]).LoadBalancerId);
        Assert.Equal(ReasonCodes.Recreating, Provisioning(plan));
        var create = ((CreateLoadBalancer)plan.Steps[2]).Spec;
        Assert.Equal(Ip("203.0.113.101"), create.Vip);
        Assert.Equal([Ip("203.0.113.100")], create.OwnAddresses);
        Assert.Equal(1, create.Vrid);
        Assert.Contains(plan.Outcome.Warnings, w => w.Code == ReasonCodes.LoadBalancerFailed);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud).Steps);
    }

    [Fact]
    public void Plan_FailedLoadBalancerWithoutReservationsThatCannotBeReplaced_KeepsItsVipReserved()
    {
        // No reservation rows (the original CCM's appliance, or a store started afresh) and no room for the
        // HA pair that replaces it: the failed appliance goes, its VIP must not go with it.
        var cloud = Converged(BuildDesired(workers: 2));
        var failed = Single(cloud) with { Availability = ApplianceAvailability.Failed, InstanceStatus = InstanceStatus.Down };
        cloud.LoadBalancers[0] = failed;
        cloud.Reservations.Clear();
        foreach (var a in Router.CandidateAddresses().Where(a => !failed.Addresses().Contains(a)))
        {
            cloud.OtherInUse.Add(a);
        }

        var plan = PlanEnsure(cloud, BuildDesired(Service(Ours(("load-balancer-ha", "true"))), workers: 2));

        Assert.Equal(ReasonCodes.AddressesExhausted, plan.Outcome.ReasonCode);
        Assert.Equal(["ReserveAddresses", "DeleteLoadBalancer"], Kinds(plan));
        Assert.Contains(new AddressReservation(SwitchId, Ip("203.0.113.101"), Uid, AddressRole.Vip), ((ReserveAddresses)plan.Steps[0]).Addresses);
        cloud.Apply(plan);
        Assert.Empty(cloud.LoadBalancers);
        Assert.Contains(cloud.Reservations, r => r.Address == Ip("203.0.113.101") && r.OwnerUid == Uid && r.Role == AddressRole.Vip);
    }

    [Fact]
    public void Plan_FailedLoadBalancerWhoseVipAnotherServiceReserved_IsStillReplaced()
    {
        // A reservation the Service cannot take must not stop the failed appliance from being replaced.
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { Availability = ApplianceAvailability.Failed, InstanceStatus = InstanceStatus.Down };
        cloud.Reservations.Clear();
        cloud.Reservations.Add(new AddressReservation(SwitchId, Ip("203.0.113.101"), "other", AddressRole.Vip));

        var plan = PlanEnsure(cloud);

        Assert.DoesNotContain(plan.Steps.OfType<ReserveAddresses>().SelectMany(r => r.Addresses), r => r.Address == Ip("203.0.113.101"));
        Assert.NotEqual(Ip("203.0.113.101"), plan.Steps.OfType<CreateLoadBalancer>().Single().Spec.Vip);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud).Steps);
    }

    [Fact]
    public void Plan_Migrating_WaitsAndReplans()
    {
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { Availability = ApplianceAvailability.Migrating, InstanceStatus = InstanceStatus.Unknown };

        var plan = PlanEnsure(cloud);

        Assert.Equal(["WaitUntilUp"], Kinds(plan));
        Assert.True(plan.ReplanAfter);
        Assert.Equal(ServicePhase.Provisioning, plan.Outcome.Phase);
        Assert.Equal(ReasonCodes.WaitingForCloud, plan.Outcome.ReasonCode);
    }

    [Fact]
    public void Plan_Down_BootsThenUpdates()
    {
        var cloud = Converged(BuildDesired(workers: 2));
        cloud.LoadBalancers[0] = Single(cloud) with { InstanceStatus = InstanceStatus.Down };

        var plan = PlanEnsure(cloud, BuildDesired(workers: 3));

        Assert.Equal(["Report", "Boot", "WaitUntilUp", "UpdateSettings", "ApplyConfig"], Kinds(plan));
        Assert.False(plan.ReplanAfter);
    }

    [Fact]
    public void Plan_ShuttingDown_WaitsForDownAndReplans()
    {
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { InstanceStatus = InstanceStatus.Cleaning };

        var plan = PlanEnsure(cloud);

        Assert.Equal(["WaitUntilDown"], Kinds(plan));
        Assert.True(plan.ReplanAfter);
    }

    [Theory]
    [InlineData("load-balancer-plan", "premium", "plan (standard → premium)")]
    [InlineData("load-balancer-ha", "true", "HA (single → HA pair)")]
    public void Plan_ImmutableChangeWithoutOptIn_ReportedNotApplied(string name, string value, string change)
    {
        var cloud = Converged();

        var plan = PlanEnsure(cloud, BuildDesired(Service(Ours((name, value)))));

        Assert.Empty(plan.Steps);
        Assert.Equal(ServicePhase.Ready, plan.Outcome.Phase);
        Assert.Equal(ReasonCodes.RecreateRequired, plan.Outcome.ReasonCode);
        Assert.Contains(change, plan.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("load-balancer-recreate-allowed", plan.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
    }

    [Fact]
    public void Plan_ImmutableChangeWithoutOptIn_StillAppliesInPlaceChanges()
    {
        var cloud = Converged(BuildDesired(workers: 2));

        var plan = PlanEnsure(cloud, BuildDesired(Service(Ours(("load-balancer-plan", "premium"))), workers: 3));

        Assert.Equal(["UpdateSettings", "ApplyConfig"], Kinds(plan));
        Assert.Equal(ReasonCodes.RecreateRequired, plan.Outcome.ReasonCode);
    }

    [Fact]
    public void Plan_HaChangeWithOptIn_RecreatesKeepingVip()
    {
        var cloud = Converged();
        var old = Single(cloud);
        var desired = BuildDesired(Service(Ours(("load-balancer-ha", "true"), ("load-balancer-recreate-allowed", "true"))));

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(
            ["Report", "ShutDown", "WaitUntilDown", "DeleteLoadBalancer", "ReserveAddresses", "Report", "CreateLoadBalancer", "WaitUntilUp", "ApplyConfig"],
            Kinds(plan));
        Assert.All(plan.Steps.Take(4).OfType<ShutDown>(), s => Assert.Equal(old.Id, s.LoadBalancerId));
        var create = plan.Steps.OfType<CreateLoadBalancer>().Single().Spec;
        Assert.True(create.HighAvailability);
        Assert.Equal(Ip("203.0.113.101"), create.Vip);
        Assert.Equal([Ip("203.0.113.100"), Ip("203.0.113.102")], create.OwnAddresses);
        Assert.Equal(1, create.Vrid);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
        Assert.Equal(3, cloud.Reservations.Count);
    }

    [Fact]
    public void Plan_HaChangeWithOptInOnAFullBlock_KeepsTheRunningLoadBalancer()
    {
        // The HA pair needs one more address than the block has: tearing the single appliance down first
        // would leave the Service with no load balancer at all.
        var cloud = Converged(BuildDesired(workers: 2));
        var before = Single(cloud);
        foreach (var a in Router.CandidateAddresses().Where(a => !before.Addresses().Contains(a)))
        {
            cloud.OtherInUse.Add(a);
        }

        var desired = BuildDesired(Service(Ours(("load-balancer-ha", "true"), ("load-balancer-recreate-allowed", "true"))), workers: 3);

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(["UpdateSettings", "ApplyConfig"], Kinds(plan));
        Assert.Equal(ServicePhase.Ready, plan.Outcome.Phase);
        Assert.Equal(ReasonCodes.AddressesExhausted, plan.Outcome.ReasonCode);
        Assert.Contains("HA (single → HA pair)", plan.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("11 assignable", plan.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
        Assert.Contains(plan.Outcome.Warnings, w => w.Code == ReasonCodes.AddressesExhausted);
        cloud.Apply(plan);
        Assert.Equal(before.Id, Single(cloud).Id);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
    }

    [Fact]
    public void Plan_RecreateWithARequestedVipInUse_KeepsTheRunningLoadBalancer()
    {
        var cloud = Converged();
        cloud.OtherInUse.Add(Ip("203.0.113.108"));
        var desired = BuildDesired(Service(Ours(("load-balancer-plan", "premium"), ("load-balancer-recreate-allowed", "true"))) with { LoadBalancerIP = "203.0.113.108" });

        var plan = PlanEnsure(cloud, desired);

        Assert.DoesNotContain(plan.Steps, s => s is ShutDown or DeleteLoadBalancer or CreateLoadBalancer);
        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, plan.Outcome.ReasonCode);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
    }

    [Fact]
    public void Plan_HaToSingleWithOptIn_ReleasesTheSecondOwnAddress()
    {
        var ha = BuildDesired(Service(Ours(("load-balancer-ha", "true"))));
        var cloud = Converged(ha);
        var single = BuildDesired(Service(Ours(("load-balancer-ha", "false"), ("load-balancer-recreate-allowed", "true"))));

        var plan = PlanEnsure(cloud, single);

        Assert.Equal("ReleaseAddresses", Kinds(plan)[^1]);
        cloud.Apply(plan);
        Assert.Equal(2, cloud.Reservations.Count);
        Assert.Empty(PlanEnsure(cloud, single).Steps);
    }

    /// <summary>A second router+switch carrying the tag "blue", with its own block and the workers connected to it.</summary>
    private static readonly RouterNetwork BlueRouter = Router with
    {
        Id = 112800452770,
        Name = "k8s-router-blue",
        Tags = ["@k8s", "@k8s.ClusterID=prod-1", "blue"],
        SwitchId = 112800452771,
        Block = new Ipv4Block(Ip("198.51.100.0"), 28),
        DefaultRoute = Ip("198.51.100.1"),
        AssignableRange = new Ipv4Range(Ip("198.51.100.4"), Ip("198.51.100.14")),
    };

    private static DesiredLoadBalancer OnBlueRouter(params (string Name, string Value)[] annotations)
    {
        var context = Context() with
        {
            Routers = [Router, BlueRouter],
            Servers = [Server("worker01", "198.51.100.8", BlueRouter.SwitchId), Server("worker02", "198.51.100.9", BlueRouter.SwitchId)],
        };
        var result = DesiredLoadBalancerBuilder.Build(Service(Ours([("router-selector", "blue"), .. annotations])), Settings, context);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Desired!;
    }

    [Fact]
    public void Plan_RouterChangedWithoutOptIn_ReportedAndTheRunningSettingsLeftAlone()
    {
        // The desired real servers are addresses on the new router's switch: writing them to the appliance
        // still on the old switch would take every backend away from the VIP that is serving.
        var cloud = Converged();
        var before = Single(cloud);

        var plan = PlanEnsure(cloud, OnBlueRouter());

        Assert.Empty(plan.Steps);
        Assert.Equal(ServicePhase.Ready, plan.Outcome.Phase);
        Assert.Equal(ReasonCodes.RecreateRequired, plan.Outcome.ReasonCode);
        Assert.Contains($"router (switch {SwitchId} → k8s-router-blue", plan.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
        Assert.Same(before, Single(cloud));
    }

    [Fact]
    public void Plan_RouterChangedWithOptIn_RecreatesOnTheNewRouterAndReleasesTheOldAddresses()
    {
        var cloud = Converged();
        var desired = OnBlueRouter(("load-balancer-recreate-allowed", "true"));

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(
            ["Report", "ShutDown", "WaitUntilDown", "DeleteLoadBalancer", "ReserveAddresses", "Report", "CreateLoadBalancer", "WaitUntilUp", "ApplyConfig", "ReleaseAddresses"],
            Kinds(plan));
        var create = plan.Steps.OfType<CreateLoadBalancer>().Single().Spec;
        Assert.Equal(BlueRouter.SwitchId, create.SwitchId);
        Assert.Equal([Ip("198.51.100.4")], create.OwnAddresses);
        Assert.Equal(Ip("198.51.100.5"), create.Vip);
        Assert.Equal([Ip("198.51.100.8"), Ip("198.51.100.9")], create.Settings.Single().Servers.Select(s => s.IPAddress));
        Assert.All(((ReleaseAddresses)plan.Steps[^1]).Addresses, r => Assert.Equal(SwitchId, r.SwitchId));
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
        Assert.All(cloud.Reservations, r => Assert.Equal(BlueRouter.SwitchId, r.SwitchId));
    }

    [Fact]
    public void Plan_RequestedVipChanged_MovesVipInPlace()
    {
        var cloud = Converged();
        var desired = BuildDesired(Service() with { LoadBalancerIP = "203.0.113.108" });

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(["ReserveAddresses", "UpdateSettings", "ApplyConfig", "ReleaseAddresses"], Kinds(plan));
        Assert.Equal(Ip("203.0.113.108"), ((ReserveAddresses)plan.Steps[0]).Addresses.Single().Address);
        Assert.Equal(Ip("203.0.113.101"), ((ReleaseAddresses)plan.Steps[3]).Addresses.Single().Address);
        Assert.Equal(["203.0.113.108"], plan.Outcome.IngressIps);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
    }

    [Fact]
    public void Plan_RequestedVipInUse_FailsWithoutSteps()
    {
        var cloud = Converged();
        cloud.OtherInUse.Add(Ip("203.0.113.108"));

        var plan = PlanEnsure(cloud, BuildDesired(Service() with { LoadBalancerIP = "203.0.113.108" }));

        Assert.Empty(plan.Steps);
        Assert.Equal(ServicePhase.Failed, plan.Outcome.Phase);
        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, plan.Outcome.ReasonCode);
        Assert.Contains("keeps VIP 203.0.113.101", plan.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
    }

    [Fact]
    public void Plan_RequestedVipReservedByAnotherService_Fails()
    {
        var cloud = new CloudModel();
        cloud.Reservations.Add(new AddressReservation(SwitchId, Ip("203.0.113.105"), "someone-else", AddressRole.Vip));

        var plan = PlanEnsure(cloud, BuildDesired(Service() with { LoadBalancerIP = "203.0.113.105" }));

        Assert.Empty(plan.Steps);
        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, plan.Outcome.ReasonCode);
    }

    [Fact]
    public void Plan_BlockExhausted_FailsWithCounts()
    {
        var cloud = new CloudModel();
        foreach (var a in Router.CandidateAddresses().Take(10))
        {
            cloud.OtherInUse.Add(a);
        }

        var plan = PlanEnsure(cloud);

        Assert.Empty(plan.Steps);
        Assert.Equal(ServicePhase.Failed, plan.Outcome.Phase);
        Assert.Equal("no free address in router k8s-router: 11 assignable, 10 in use, 0 reserved by other Services, 1 free; this load balancer needs 2", plan.Outcome.Message);
    }

    [Fact]
    public void Plan_VridTakenByOthers_ChoosesNextFree()
    {
        var cloud = new CloudModel();
        cloud.Add(new ObservedLoadBalancer { Name = "someone", SwitchId = SwitchId, Vrid = 1, Availability = ApplianceAvailability.Available, InstanceStatus = InstanceStatus.Up, OwnIps = ["203.0.113.110"] });

        var create = PlanEnsure(cloud).Steps.OfType<CreateLoadBalancer>().Single().Spec;

        Assert.Equal(2, create.Vrid);
    }

    [Fact]
    public void Plan_Duplicates_KeepsTheOneServingTheIngressIpAndDeletesTheOther()
    {
        var cloud = Converged();
        var first = Single(cloud);
        var second = cloud.Add(first with
        {
            Id = 0,
            OwnIps = ["203.0.113.106"],
            Vips = [.. first.Vips.Select(v => v with { VirtualIPAddress = "203.0.113.107" })],
            Vrid = 2,
        });
        var desired = BuildDesired(Service() with { CurrentIngress = ["203.0.113.107"] });
        cloud.Reservations.Clear();

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(["ReserveAddresses", "ShutDown", "WaitUntilDown", "DeleteLoadBalancer"], Kinds(plan));
        Assert.Equal(first.Id, ((DeleteLoadBalancer)plan.Steps[3]).LoadBalancerId);
        Assert.Equal(["203.0.113.107"], plan.Outcome.IngressIps);
        Assert.Contains(plan.Outcome.Warnings, w => w.Code == ReasonCodes.DuplicateLoadBalancer);
        cloud.Apply(plan);
        Assert.Equal(second.Id, Single(cloud).Id);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
    }

    private static void MoveVipBehindOurBack(CloudModel cloud, string vip)
    {
        var lb = Single(cloud);
        cloud.LoadBalancers[0] = lb with { Vips = [.. lb.Vips.Select(v => v with { VirtualIPAddress = vip })] };
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Plan_VipChangedBehindOurBack_IsRestored(bool reservationsKept)
    {
        // The Service's VIP is what it holds (its reservation) and shows (its ingress IP), not whatever
        // someone typed into the control panel; the new address may well belong to something else.
        var cloud = Converged();
        MoveVipBehindOurBack(cloud, "203.0.113.108");
        if (!reservationsKept)
        {
            cloud.Reservations.Clear();
        }

        var desired = BuildDesired(Service() with { CurrentIngress = ["203.0.113.101"] });

        var plan = PlanEnsure(cloud, desired);

        Assert.Equal(reservationsKept ? ["UpdateSettings", "ApplyConfig"] : ["ReserveAddresses", "UpdateSettings", "ApplyConfig"], Kinds(plan));
        Assert.Equal(Ip("203.0.113.101"), plan.Steps.OfType<UpdateSettings>().Single().Settings.Single().VirtualIPAddress);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
        cloud.Apply(plan);
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
        Assert.Equal([Ip("203.0.113.100"), Ip("203.0.113.101")], cloud.Reservations.Select(r => r.Address).Order());
    }

    [Fact]
    public void Plan_VipChangedBehindOurBackAndTakenSince_KeepsTheNewVip()
    {
        var cloud = Converged();
        MoveVipBehindOurBack(cloud, "203.0.113.108");
        cloud.OtherInUse.Add(Ip("203.0.113.101"));

        var plan = PlanEnsure(cloud, BuildDesired(Service() with { CurrentIngress = ["203.0.113.101"] }));

        Assert.Equal(["ReserveAddresses", "ReleaseAddresses"], Kinds(plan));
        Assert.Equal(["203.0.113.108"], plan.Outcome.IngressIps);
    }

    [Fact]
    public void Plan_LoadBalancerWithoutVips_IsTreatedAsExistingNotDuplicated()
    {
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { Vips = [] };

        var plan = PlanEnsure(cloud);

        Assert.Equal(["UpdateSettings", "ApplyConfig"], Kinds(plan));
        Assert.Equal(Ip("203.0.113.101"), ((UpdateSettings)plan.Steps[0]).Settings[0].VirtualIPAddress);
    }

    [Fact]
    public void Plan_LoadBalancerWithoutVipsOrReservations_NeverTakesItsOwnAddressAsVip()
    {
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { Vips = [] };
        cloud.Reservations.Clear();

        var plan = PlanEnsure(cloud);

        Assert.Equal(["ReserveAddresses", "UpdateSettings", "ApplyConfig"], Kinds(plan));
        Assert.Equal(Ip("203.0.113.101"), ((UpdateSettings)plan.Steps[1]).Settings[0].VirtualIPAddress);
    }

    [Fact]
    public void Plan_RequestedVipIsTheAppliancesOwnAddress_IsRejected()
    {
        var cloud = Converged();

        var plan = PlanEnsure(cloud, BuildDesired(Service() with { LoadBalancerIP = "203.0.113.100" }));

        Assert.Empty(plan.Steps);
        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, plan.Outcome.ReasonCode);
    }

    [Fact]
    public void Plan_BuildWarnings_AreCarriedIntoTheOutcome()
    {
        var cloud = Converged();
        var warning = new ValidationProblem(ReasonCodes.NodeWithoutServer, "x");

        var plan = Planner.Plan(cloud.Input(ServiceIntent.Ensure, Uid, BuildDesired(), Settings) with { BuildWarnings = [warning] });

        Assert.Equal([warning], plan.Outcome.Warnings);
    }

    [Fact]
    public void Plan_CleanupOfRunningLoadBalancer_StopsDeletesReleases()
    {
        var cloud = Converged();
        var id = Single(cloud).Id;

        var plan = PlanCleanup(cloud);

        Assert.Equal(["Report", "ShutDown", "WaitUntilDown", "DeleteLoadBalancer", "ReleaseAddresses"], Kinds(plan));
        Assert.Equal(id, ((DeleteLoadBalancer)plan.Steps[3]).LoadBalancerId);
        Assert.Equal(ServicePhase.Deleted, plan.Outcome.Phase);
        Assert.True(plan.Outcome.FinalizerReleasable);
        Assert.Empty(plan.Outcome.IngressIps);
        cloud.Apply(plan);
        Assert.Empty(cloud.LoadBalancers);
        Assert.Empty(cloud.Reservations);
        Assert.Empty(PlanCleanup(cloud).Steps);
    }

    [Fact]
    public void Plan_CleanupOfStoppedLoadBalancer_DeletesWithoutShutdown()
    {
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { InstanceStatus = InstanceStatus.Down };

        Assert.Equal(["Report", "DeleteLoadBalancer", "ReleaseAddresses"], Kinds(PlanCleanup(cloud)));
    }

    [Fact]
    public void Plan_CleanupWhenAlreadyGone_IsSuccessWithoutSteps()
    {
        var plan = PlanCleanup(new CloudModel());

        Assert.Empty(plan.Steps);
        Assert.Equal(ServicePhase.Deleted, plan.Outcome.Phase);
        Assert.True(plan.Outcome.FinalizerReleasable);
    }

    [Fact]
    public void Plan_CleanupWithLeftoverReservations_ReleasesThemOnEverySwitch()
    {
        var cloud = new CloudModel();
        cloud.Reservations.Add(new AddressReservation(SwitchId, Ip("203.0.113.101"), Uid, AddressRole.Vip));
        cloud.Reservations.Add(new AddressReservation(777, Ip("10.0.0.5"), Uid, AddressRole.Own));
        cloud.Reservations.Add(new AddressReservation(SwitchId, Ip("203.0.113.102"), "other", AddressRole.Vip));

        var plan = PlanCleanup(cloud);

        Assert.Equal(["ReleaseAddresses"], Kinds(plan));
        Assert.Equal(2, ((ReleaseAddresses)plan.Steps[0]).Addresses.Count);
    }

    [Fact]
    public void Plan_CleanupWhileMigrating_WaitsAndKeepsFinalizer()
    {
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { Availability = ApplianceAvailability.Migrating };

        var plan = PlanCleanup(cloud);

        Assert.Equal(["Report", "WaitUntilUp"], Kinds(plan));
        Assert.True(plan.ReplanAfter);
        Assert.False(plan.Outcome.FinalizerReleasable);
        Assert.Equal(ServicePhase.Deleting, plan.Outcome.Phase);
    }

    [Fact]
    public void Plan_CleanupOfFailedLoadBalancer_DeletesDirectly()
    {
        var cloud = Converged();
        cloud.LoadBalancers[0] = Single(cloud) with { Availability = ApplianceAvailability.Failed, InstanceStatus = InstanceStatus.Unknown };

        Assert.Equal(["Report", "DeleteLoadBalancer", "ReleaseAddresses"], Kinds(PlanCleanup(cloud)));
    }

    [Fact]
    public void Invalid_ReportsEveryErrorAndKeepsIngress()
    {
        var errors = new[] { new ValidationProblem(ReasonCodes.InvalidAnnotation, "a"), new ValidationProblem(ReasonCodes.UnsupportedProtocol, "b") };

        var plan = Planner.Invalid(errors, [], ["203.0.113.101"]);

        Assert.Empty(plan.Steps);
        Assert.Equal(ServicePhase.Failed, plan.Outcome.Phase);
        Assert.Equal(ReasonCodes.InvalidAnnotation, plan.Outcome.ReasonCode);
        Assert.Equal("a; b", plan.Outcome.Message);
        Assert.Equal(["203.0.113.101"], plan.Outcome.IngressIps);
    }

    [Fact]
    public void Plan_Ignore_HasNoSteps()
    {
        Assert.Empty(Planner.Plan(new CloudModel().Input(ServiceIntent.Ignore, Uid, null, Settings)).Steps);
    }

    [Fact]
    public void Plan_EnsureWithoutDesired_IsAnArgumentError()
    {
        Assert.Throws<ArgumentException>(() => Planner.Plan(new CloudModel().Input(ServiceIntent.Ensure, Uid, null, Settings)));
    }

    [Fact]
    public void Plan_SerializesWithStepKinds()
    {
        var plan = PlanEnsure(new CloudModel());

        var json = JsonSerializer.Serialize(plan);
        var back = JsonSerializer.Deserialize<Plan>(json)!;

        Assert.Contains("\"kind\":\"createLoadBalancer\"", json, StringComparison.Ordinal);
        Assert.Contains("\"203.0.113.101\"", json, StringComparison.Ordinal);
        Assert.Equal(Kinds(plan), Kinds(back));
        Assert.Equal(
            ((CreateLoadBalancer)plan.Steps[2]).Spec.Vip,
            ((CreateLoadBalancer)back.Steps[2]).Spec.Vip);
    }
}
