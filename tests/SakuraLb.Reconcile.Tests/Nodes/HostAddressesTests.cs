using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Nodes;

/// <summary>
/// Every address of every node and of every server is in use for allocation, even when the cloud does not report it
/// (a server NIC without a registered address, whose node's kubelet reports the address it really has).
/// </summary>
public sealed class HostAddressesTests
{
    [Fact]
    public void Of_EveryNodeAddressAndEveryServerNicAddress_WithItsHolder_NodesFirst()
    {
        var node = Node("worker01", n => n.Addresses.AddRange([
            new NodeAddressSnapshot(WellKnown.NodeInternalIP, "203.0.113.100"),
            new NodeAddressSnapshot("ExternalIP", "198.51.100.7"),
            new NodeAddressSnapshot(WellKnown.NodeHostName, "worker01"),
        ]));
        var server = Server("worker01", "203.0.113.100") with
        {
            Nics = [
                new CloudServerNic { SwitchId = SwitchId, UserIPAddress = "203.0.113.100" },
                new CloudServerNic { SwitchId = 1, SharedSegment = true, IPAddress = "198.51.100.8" },
                new CloudServerNic { SwitchId = PrivateSwitchId, UserIPAddress = null },
            ],
        };
        var other = Server("db", "203.0.113.109");

        var hosts = HostAddresses.Of([node], [server, other]);

        Assert.Equal(
            new Dictionary<Ipv4Address, string>
            {
                [Ip("203.0.113.100")] = "node worker01",
                [Ip("198.51.100.7")] = "node worker01",
                [Ip("198.51.100.8")] = "server worker01",
                [Ip("203.0.113.109")] = "server db",
            },
            hosts);
    }

    /// <summary>worker03's server has no registered address on the switch; its kubelet reports .100, the block's first assignable address.</summary>
    private static ServicePlan PlanWithAnUnregisteredWorker(ServiceSnapshot service)
    {
        var (nodes, servers) = Workers(2);
        nodes.Add(Node("worker03", n => n.Addresses.Add(new NodeAddressSnapshot(WellKnown.NodeInternalIP, "203.0.113.100"))));
        servers.Add(Server("worker03", null));
        var registered = servers.SelectMany(s => s.Nics).Select(n => n.UserIPAddress).OfType<string>().Select(Ip).ToHashSet();
        return ServicePlanning.PlanEnsure(
            service, Settings, nodes, new NetworkCandidates { Routers = [Router] }, new SwitchView(SwitchId, servers, [], registered), [], [], [], DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void PlanEnsure_ANodeAddressTheCloudDoesNotReport_IsNotGivenToTheLoadBalancer()
    {
        var create = PlanWithAnUnregisteredWorker(Service()).Plan!.Steps.OfType<CreateLoadBalancer>().Single().Spec;

        Assert.DoesNotContain(Ip("203.0.113.100"), create.OwnAddresses);
        Assert.NotEqual(Ip("203.0.113.100"), create.Vip);
    }

    [Fact]
    public void PlanEnsure_RequestedVipIsANodeAddress_IsRefusedNamingTheNode()
    {
        var plan = PlanWithAnUnregisteredWorker(Service() with { LoadBalancerIP = "203.0.113.100" }).Plan!;

        Assert.Empty(plan.Steps);
        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, plan.Outcome.ReasonCode);
        Assert.Contains("is an address of node worker03", plan.Outcome.Message, StringComparison.Ordinal);
    }
}
