using SakuraLb.Reconcile.Desired;
using SakuraLb.Sakura.Mapping;

namespace SakuraLb.Sakura.Tests.Mapping;

public sealed class UsedAddressesTests
{
    private static readonly RouterNetwork Router = new()
    {
        Id = 1,
        Name = "r",
        SwitchId = 10,
        Block = new Ipv4Block(Ipv4Address.Parse("203.0.113.96"), 28),
        DefaultRoute = Ipv4Address.Parse("203.0.113.97"),
        AssignableRange = new Ipv4Range(Ipv4Address.Parse("203.0.113.100"), Ipv4Address.Parse("203.0.113.110")),
    };

    [Fact]
    public void Collect_ServersAppliancesAndNextHops_GivesEveryAddressInTheBlock()
    {
        SakuraServer[] servers =
        [
            new() { Id = 1, Interfaces = [new SakuraInterface { UserIPAddress = "203.0.113.100", Switch = new SwitchRef { Id = 10 } }] },
            new() { Id = 2, Interfaces = [new SakuraInterface { UserIPAddress = "203.0.113.101", Switch = new SwitchRef { Id = 99 } }] },
        ];
        SakuraAppliance[] appliances =
        [
            new()
            {
                Id = 3,
                Class = "loadbalancer",
                Remark = new ApplianceRemark { Servers = [new RemarkServer { IPAddress = "203.0.113.102" }] },
                Settings = new ApplianceSettings { LoadBalancer = [new LoadBalancerVip { VirtualIPAddress = "203.0.113.103" }] },
            },
            new()
            {
                Id = 4,
                Class = "vpcrouter",
                Settings = new ApplianceSettings
                {
                    Router = new VpcRouterSettings { Interfaces = [null, new VpcRouterInterfaceSetting { IPAddress = ["203.0.113.104", "203.0.113.105"], VirtualIPAddress = "203.0.113.106" }] },
                },
            },
            new() { Id = 5, Class = "database", Remark = new ApplianceRemark { Servers = [new RemarkServer { IPAddress = "192.0.2.7" }] } },
        ];
        var router = Router with { NextHops = [Ipv4Address.Parse("203.0.113.107"), Ipv4Address.Parse("192.0.2.1")] };

        var used = UsedAddresses.Collect(router, servers, appliances);

        Assert.Equal(
            ["203.0.113.100", "203.0.113.102", "203.0.113.103", "203.0.113.104", "203.0.113.105", "203.0.113.106", "203.0.113.107"],
            used.Order().Select(a => a.ToString()));
    }

    [Fact]
    public void Collect_PlainSwitch_EveryNicApplianceAndAliasInTheServicesNetwork()
    {
        var network = new SwitchRanges(new Ipv4Block(Ipv4Address.Parse("10.240.0.0"), 16), new Ipv4Block(Ipv4Address.Parse("10.240.100.0"), 24), Ipv4Address.Parse("10.240.0.1"))
            .On(new PlainSwitch(20, "k8s-private", ["@k8s"]));
        SakuraServer[] servers =
        [
            new()
            {
                Id = 1,
                Interfaces =
                [
                    new SakuraInterface { UserIPAddress = "203.0.113.100", Switch = new SwitchRef { Id = 10 } },
                    new SakuraInterface { UserIPAddress = "10.240.0.11", Switch = new SwitchRef { Id = 20 } },
                ],
            },
            new() { Id = 2, Interfaces = [new SakuraInterface { UserIPAddress = "192.168.0.5", Switch = new SwitchRef { Id = 20 } }] },
        ];
        SakuraAppliance[] appliances =
        [
            new()
            {
                Id = 3,
                Class = "loadbalancer",
                Remark = new ApplianceRemark { Servers = [new RemarkServer { IPAddress = "10.240.100.1" }] },
                Settings = new ApplianceSettings { LoadBalancer = [new LoadBalancerVip { VirtualIPAddress = "10.240.100.2" }] },
            },
            new()
            {
                Id = 4,
                Class = "vpcrouter",
                Settings = new ApplianceSettings
                {
                    Router = new VpcRouterSettings { Interfaces = [null, new VpcRouterInterfaceSetting { IPAddress = ["10.240.0.2"], VirtualIPAddress = "10.240.0.4", IPAliases = ["10.240.100.9"] }] },
                },
            },
        ];

        var used = UsedAddresses.Collect(network, servers, appliances);

        Assert.Equal(
            ["10.240.0.11", "10.240.0.2", "10.240.0.4", "10.240.100.1", "10.240.100.2", "10.240.100.9"],
            used.Select(a => a.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Collect_GarbageAddresses_AreIgnored()
    {
        SakuraServer[] servers = [new() { Interfaces = [new SakuraInterface { UserIPAddress = "not-an-ip", IPAddress = " ", Switch = new SwitchRef { Id = 10 } }] }];

        Assert.Empty(UsedAddresses.Collect(Router, servers, []));
    }
}
