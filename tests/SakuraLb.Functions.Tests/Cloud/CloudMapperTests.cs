using System.Text.Json;
using SakuraLb.Functions.Cloud;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Sakura.Wire;
using InstanceStatus = SakuraLb.Reconcile.Observed.InstanceStatus;
using SakuraRouter = SakuraLb.Sakura.RouterNetwork;

namespace SakuraLb.Functions.Tests.Cloud;

public sealed class CloudMapperTests
{
    private static T Fixture<T>(string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)), type)!;

    [Fact]
    public void ToObserved_RealLoadBalancerResponse_KeepsWireSpellingsAndRemark()
    {
        var appliance = Fixture("appliance-loadbalancer.json", SakuraJsonContext.Default.SakuraAppliance);

        var lb = CloudMapper.ToObserved(appliance);

        Assert.Equal(123456789012, lb.Id);
        Assert.Equal(ApplianceAvailability.Available, lb.Availability);
        Assert.Equal(InstanceStatus.Up, lb.InstanceStatus);
        Assert.Equal(123456789012, lb.SwitchId);
        Assert.Equal(1, lb.Vrid);
        Assert.Equal(["192.168.200.11"], lb.OwnIps);
        Assert.Equal(24, lb.NetworkMaskLen);
        Assert.Equal("924521e812f96157a83d138c79d423fb", lb.SettingsHash);
        var vip = Assert.Single(lb.Vips);
        Assert.Equal(("192.168.200.50", "80", "1000"), (vip.VirtualIPAddress, vip.Port, vip.DelayLoop));
        Assert.Equal("True", vip.Servers[0].Enabled);
        Assert.Equal(("http", "/index.html", "200"), (vip.Servers[0].HealthCheck!.Protocol, vip.Servers[0].HealthCheck!.Path, vip.Servers[0].HealthCheck!.Status));
        Assert.Equal("ping", vip.Servers[1].HealthCheck!.Protocol);
    }

    [Fact]
    public void ToRouter_RealSwitchOfRouter_GivesBlockGatewayAndAssignableRange()
    {
        var sakuraSwitch = Fixture("switch-of-router.json", SakuraJsonContext.Default.SakuraSwitch);

        var router = CloudMapper.ToRouter(SakuraRouter.From(sakuraSwitch, null));

        Assert.NotNull(router);
        Assert.Equal("133.242.253.96/28", router.Block.ToString());
        Assert.Equal(Ipv4Address.Parse("133.242.253.97"), router.DefaultRoute);
        Assert.Equal(Ipv4Address.Parse("133.242.253.100"), router.AssignableRange.First);
        Assert.Equal(Ipv4Address.Parse("133.242.253.110"), router.AssignableRange.Last);
        Assert.Equal(sakuraSwitch.Id, router.SwitchId);
    }

    [Fact]
    public void ToRouter_PlainSwitch_IsNull()
    {
        var plain = new SakuraSwitch { Id = 1, Name = "private" };

        Assert.Null(CloudMapper.ToRouter(SakuraRouter.From(plain, null)));
    }

    [Fact]
    public void ToCloudServer_SharedSegmentServer_KeepsNicSwitchAndAddresses()
    {
        var server = Fixture("server.json", SakuraJsonContext.Default.SakuraServer);

        var mapped = CloudMapper.ToCloudServer(server);

        var nic = mapped.Nics[0];
        Assert.Equal(123456789012, nic.SwitchId);
        Assert.Equal("133.242.224.41", nic.Address);
    }

    [Fact]
    public void ToWireThenToObserved_RoundTrip_IsEquivalentForThePlanner()
    {
        var vip = Ipv4Address.Parse("203.0.113.104");
        var settings = new[]
        {
            new VipSetting(vip, 80, 15, null, [new RealServerSetting(Ipv4Address.Parse("203.0.113.100"), 80, true, new HealthCheckSpec(HealthCheckProtocol.Http, "/healthz", 204, 3, 5))]),
            new VipSetting(vip, 443, 15, Ipv4Address.Parse("203.0.113.110"), [new RealServerSetting(Ipv4Address.Parse("203.0.113.100"), 443, true, HealthCheckSpec.Ping)]),
        };

        var wire = CloudMapper.ToWire(settings);
        var observed = wire.Select(CloudMapper.ToObserved).ToList();

        Assert.True(SettingsComparer.Equivalent(settings, observed));
        Assert.Null(wire[1].Servers[0].HealthCheck!.Path);
        Assert.Equal("", wire[0].SorryServer);
    }

    [Theory]
    [InlineData(false, 1, LoadBalancerPlan.Standard, 1)]
    [InlineData(true, 2, LoadBalancerPlan.Premium, 2)]
    public void ToCreateRequest_SingleOrHaPair_CarriesAddressesPlanAndSettings(bool ha, int own, LoadBalancerPlan plan, int planId)
    {
        var creation = new LoadBalancerCreation
        {
            Name = "aabc",
            Description = "default/web",
            Tags = ["@k8s", "@k8s.ClusterID=c1"],
            Plan = plan,
            HighAvailability = ha,
            SwitchId = 42,
            NetworkMaskLen = 28,
            DefaultRoute = Ipv4Address.Parse("203.0.113.97"),
            Vrid = 3,
            OwnAddresses = [.. Enumerable.Range(0, own).Select(i => Ipv4Address.Parse("203.0.113.103").Add(i))],
            Vip = Ipv4Address.Parse("203.0.113.110"),
            Settings = [],
        };

        var request = CloudMapper.ToCreateRequest(creation);

        Assert.Equal(own, request.IPAddresses.Count);
        Assert.Equal(planId, (int)request.Plan);
        Assert.Equal((42L, 3, 28, "203.0.113.97"), (request.SwitchId, request.Vrid, request.NetworkMaskLen, request.DefaultRoute));
    }

    [Theory]
    [InlineData(Availability.Available, ApplianceAvailability.Available)]
    [InlineData(Availability.Migrating, ApplianceAvailability.Migrating)]
    [InlineData(Availability.Failed, ApplianceAvailability.Failed)]
    [InlineData(Availability.Transfering, ApplianceAvailability.Transferring)]
    [InlineData(Availability.Unknown, ApplianceAvailability.Unknown)]
    public void ToAvailability_EveryWireValue_Maps(Availability wire, ApplianceAvailability expected) =>
        Assert.Equal(expected, CloudMapper.ToAvailability(wire));
}
