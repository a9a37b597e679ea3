using System.Text.Json;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Sakura.Mapping;

namespace SakuraLb.Sakura.Tests.Mapping;

public sealed class WireMapperTests
{
    private static T Fixture<T>(string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)), type)!;

    [Fact]
    public void ToObserved_RealLoadBalancerResponse_KeepsWireSpellingsAndRemark()
    {
        var appliance = Fixture("appliance-loadbalancer.json", WireJson.TypeInfo<SakuraAppliance>());

        var lb = WireMapper.ToObserved(appliance);

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
        var sakuraSwitch = Fixture("switch-of-router.json", WireJson.TypeInfo<SakuraSwitch>());

        var router = WireMapper.ToRouter(sakuraSwitch, null);

        Assert.NotNull(router);
        Assert.Equal("133.242.253.96/28", router.Block.ToString());
        Assert.Equal(Ipv4Address.Parse("133.242.253.97"), router.DefaultRoute);
        Assert.Equal(Ipv4Address.Parse("133.242.253.100"), router.AssignableRange.First);
        Assert.Equal(Ipv4Address.Parse("133.242.253.110"), router.AssignableRange.Last);
        Assert.Equal(sakuraSwitch.Id, router.SwitchId);
        Assert.Equal(sakuraSwitch.Internet?.Id, router.Id);
        Assert.Empty(router.NextHops);
    }

    [Fact]
    public void ToRouter_WithTheRouterRead_TakesItsNameAndTags()
    {
        var sakuraSwitch = Fixture("switch-of-router.json", WireJson.TypeInfo<SakuraSwitch>());
        var internet = new SakuraInternet { Id = 77, Name = "k8s-router", Tags = ["@k8s"] };

        var router = WireMapper.ToRouter(sakuraSwitch, internet);

        Assert.Equal((77L, "k8s-router"), (router!.Id, router.Name));
        Assert.Equal(["@k8s"], router.Tags);
    }

    [Fact]
    public void ToRouter_RoutedBlocks_AreNotThePrimaryButTheirNextHopsAreKept()
    {
        var routerSwitch = new SakuraSwitch { Id = 5, Subnets = RoutedAndPrimaryBlocks("203.0.113.100", "203.0.113.110") };

        var router = WireMapper.ToRouter(routerSwitch, null);

        Assert.Equal("203.0.113.96/28", router!.Block.ToString());
        Assert.Equal([Ipv4Address.Parse("203.0.113.99")], router.NextHops);
    }

    [Fact]
    public void ToRouter_RealSearchAnswer_GivesTheSameBlockGatewayAndRangeAsTheRealSwitchRead()
    {
        var internet = Fixture("internet.json", WireJson.TypeInfo<SakuraInternet>());
        var fromSwitch = WireMapper.ToRouter(Fixture("switch-of-router.json", WireJson.TypeInfo<SakuraSwitch>()), internet)!;

        var router = WireMapper.ToRouter(internet);

        Assert.NotNull(router);
        Assert.Equal((internet.Id, internet.Name, internet.Switch!.Id), (router.Id, router.Name, router.SwitchId));
        Assert.Equal(internet.Tags, router.Tags);
        Assert.Equal((fromSwitch.Block, fromSwitch.DefaultRoute, fromSwitch.AssignableRange), (router.Block, router.DefaultRoute, router.AssignableRange));
        Assert.Empty(router.NextHops);
    }

    [Theory]
    [InlineData("203.0.113.0", 24, "203.0.113.4", "203.0.113.254")]
    [InlineData("203.0.113.64", 26, "203.0.113.68", "203.0.113.126")]
    [InlineData("203.0.113.96", 28, "203.0.113.100", "203.0.113.110")]
    [InlineData("203.0.113.96", 29, "203.0.113.100", "203.0.113.102")]
    public void ToRouter_SearchAnswer_RangeIsTheBlockLessItsReservedAddresses(string network, int maskLength, string first, string last)
    {
        var router = WireMapper.ToRouter(SearchAnswer(network, maskLength, Ipv4Address.Parse(network).Add(1).ToString()))!;

        Assert.Equal(new Ipv4Range(Ipv4Address.Parse(first), Ipv4Address.Parse(last)), router.AssignableRange);
        Assert.All(router.ReservedAddresses, a => Assert.False(router.AssignableRange.Contains(a)));
    }

    [Theory]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(32)]
    public void ToRouter_SearchAnswer_BlockWithNoRoomLeft_IsNull(int maskLength) =>
        Assert.Null(WireMapper.ToRouter(SearchAnswer("255.255.255.252", maskLength, "255.255.255.253")));

    [Fact]
    public void ToRouter_SearchAnswer_RoutedBlocksGiveNextHops_AndAGivenRangeWins()
    {
        var internet = new SakuraInternet { Id = 1, Switch = new SakuraSwitch { Id = 2, Subnets = RoutedAndPrimaryBlocks("203.0.113.101", "203.0.113.109") } };

        var router = WireMapper.ToRouter(internet)!;

        Assert.Equal([Ipv4Address.Parse("203.0.113.99")], router.NextHops);
        Assert.Equal(new Ipv4Range(Ipv4Address.Parse("203.0.113.101"), Ipv4Address.Parse("203.0.113.109")), router.AssignableRange);
    }

    [Theory]
    [InlineData(null, 28, "203.0.113.97")]
    [InlineData("203.0.113.96", null, "203.0.113.97")]
    [InlineData("203.0.113.96", 28, null)]
    public void ToRouter_SearchAnswerMissingABlockField_IsNull(string? network, int? maskLength, string? gateway) =>
        Assert.Null(WireMapper.ToRouter(SearchAnswer(network, maskLength, gateway)));

    /// <summary>A router's search answer whose reduced switch view has one block (no assignable range, as the API sends it).</summary>
    private static SakuraInternet SearchAnswer(string? network, int? maskLength, string? gateway) => new()
    {
        Id = 1,
        Switch = new SakuraSwitch { Id = 2, Subnets = [new SwitchSubnet { NetworkAddress = network, NetworkMaskLen = maskLength, DefaultRoute = gateway }] },
    };

    /// <summary>A routed block (next hop 203.0.113.99) ahead of the primary 203.0.113.96/28 with the given assignable range.</summary>
    private static SwitchSubnet[] RoutedAndPrimaryBlocks(string min, string max) =>
    [
        new SwitchSubnet { NetworkAddress = "198.51.100.0", NetworkMaskLen = 28, NextHop = "203.0.113.99" },
        new SwitchSubnet
        {
            NetworkAddress = "203.0.113.96", NetworkMaskLen = 28, DefaultRoute = "203.0.113.97",
            IPAddresses = new IPAddressRange { Min = min, Max = max },
        },
    ];

    [Fact]
    public void ToRouter_PlainSwitch_IsNull() =>
        Assert.Null(WireMapper.ToRouter(new SakuraSwitch { Id = 1, Name = "private" }, null));

    [Fact]
    public void ToPlainSwitch_RealPrivateSwitch_KeepsIdNameAndTags()
    {
        var sakuraSwitch = Fixture("switch-private.json", WireJson.TypeInfo<SakuraSwitch>()) with { Tags = ["@k8s"] };
        var plain = WireMapper.ToPlainSwitch(sakuraSwitch);

        Assert.Equal((123456789012, "すうぃっち"), (plain!.Id, plain.Name));
        Assert.Equal(["@k8s"], plain.Tags);
    }

    [Theory]
    [InlineData("switch-of-router.json")]
    [InlineData("switch-shared-segment.json")]
    public void ToPlainSwitch_RouterSwitchOrSharedSegment_IsNull(string fixture)
    {
        var sakuraSwitch = Fixture(fixture, WireJson.TypeInfo<SakuraSwitch>()) with { Tags = ["@k8s"] };

        Assert.Null(WireMapper.ToPlainSwitch(sakuraSwitch));
    }

    [Fact]
    public void ToCreateBody_NoGateway_SendsTheMaskWithoutADefaultRoute()
    {
        var vip = Ipv4Address.Parse("10.240.100.2");
        var creation = new LoadBalancerCreation
        {
            Name = "a",
            Description = "",
            Tags = [],
            SwitchId = 7,
            NetworkMaskLen = 16,
            Vrid = 1,
            OwnAddresses = [Ipv4Address.Parse("10.240.100.1")],
            Vip = vip,
            Settings = [new VipSetting(vip, 80, 10, null, [])],
        };

        var json = JsonSerializer.Serialize(new ApplianceCreateEnvelope { Appliance = WireMapper.ToCreateBody(creation) }, WireJson.TypeInfo<ApplianceCreateEnvelope>());

        Assert.Contains("\"Network\":{\"NetworkMaskLen\":16}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCloudServer_SharedSegmentServer_KeepsNicSwitchAndAddresses()
    {
        var server = Fixture("server.json", WireJson.TypeInfo<SakuraServer>());

        var mapped = WireMapper.ToCloudServer(server);

        var nic = mapped.Nics[0];
        Assert.Equal(123456789012, nic.SwitchId);
        Assert.Equal("133.242.224.41", nic.Address);
    }

    [Fact]
    public void ToCloudServer_RealSample_ZonePlanPowerAndNicScopes()
    {
        var server = Fixture("server.json", WireJson.TypeInfo<SakuraServer>());

        var mapped = WireMapper.ToCloudServer(server);

        Assert.Equal(("is1b", InstanceStatus.Up, "libsacloud-test-server-name.com"), (mapped.Zone, mapped.PowerState, mapped.HostName));
        Assert.Equal(new CloudServerPlan { Cpu = 1, MemoryMB = 1024 }, mapped.Plan);
        Assert.Equal([true, false], mapped.Nics.Select(n => n.SharedSegment));
        Assert.Equal(["133.242.224.41", "192.168.200.50"], mapped.Nics.Select(n => n.Address));
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

        var wire = WireMapper.ToWire(settings);
        var observed = wire.Select(WireMapper.ToObserved).ToList();

        Assert.True(SettingsComparer.Equivalent(settings, observed));
        Assert.Null(wire[1].Servers[0].HealthCheck!.Path);
        Assert.Null(wire[0].SorryServer); // left out of the JSON, as the official clients do
        Assert.Equal("203.0.113.110", wire[1].SorryServer);
    }

    [Theory]
    [InlineData(false, 1, LoadBalancerPlan.Standard, 1)]
    [InlineData(true, 2, LoadBalancerPlan.Premium, 2)]
    public void ToCreateBody_SingleOrHaPair_CarriesAddressesPlanAndSettings(bool ha, int own, LoadBalancerPlan plan, int planId)
    {
        var vip = Ipv4Address.Parse("203.0.113.110");
        var creation = new LoadBalancerCreation
        {
            Name = "aabc",
            Description = "default/web",
            Tags = ["@k8s.ClusterID=c1", "@k8s", "@k8s"],
            Plan = plan,
            HighAvailability = ha,
            SwitchId = 42,
            NetworkMaskLen = 28,
            DefaultRoute = Ipv4Address.Parse("203.0.113.97"),
            Vrid = 3,
            OwnAddresses = [.. Enumerable.Range(0, own).Select(i => Ipv4Address.Parse("203.0.113.103").Add(i))],
            Vip = vip,
            Settings = [new VipSetting(vip, 80, 10, null, [])],
        };

        var body = WireMapper.ToCreateBody(creation);

        Assert.Equal(("loadbalancer", "aabc", "default/web"), (body.Class, body.Name, body.Description));
        Assert.Equal(["@k8s", "@k8s.ClusterID=c1"], body.Tags);
        Assert.Equal(own, body.Remark.Servers.Count);
        Assert.Equal("203.0.113.103", body.Remark.Servers[0].IPAddress);
        Assert.Equal((planId, planId), ((int)body.Plan.Id!, (int)body.Remark.Plan!.Id!));
        Assert.Equal((42L, 3, 28, "203.0.113.97"), (body.Remark.Switch!.Id!.Value, body.Remark.Vrrp!.Vrid!.Value, body.Remark.Network!.NetworkMaskLen!.Value, body.Remark.Network.DefaultRoute));
        Assert.Equal(("203.0.113.110", 80), (Assert.Single(body.Settings.LoadBalancer).VirtualIPAddress, body.Settings.LoadBalancer[0].Port));
    }
}
