using static SakuraLb.Reconcile.Tests.Nodes.NodeSamples;

namespace SakuraLb.Reconcile.Tests.Nodes;

public sealed class NodeAddressingTests
{
    private static string Text(IEnumerable<NodeAddressSnapshot> addresses) => string.Join(", ", addresses.Select(a => $"{a.Type} {a.Address}"));

    public static TheoryData<string, CloudServerNic[], string> Servers => new()
    {
        { "router+switch: global, so also external", [OnSwitch(RouterSwitch, "203.0.113.100")], "InternalIP 203.0.113.100, ExternalIP 203.0.113.100, Hostname w1" },
        { "private switch: internal only", [OnSwitch(PrivateSwitch, "192.168.0.10")], "InternalIP 192.168.0.10, Hostname w1" },
        { "shared segment: the Internet (even in 100.64/10)", [OnSharedSegment("100.127.1.4")], "InternalIP 100.127.1.4, ExternalIP 100.127.1.4, Hostname w1" },
        { "100.64/10 on a switch is not global", [OnSwitch(PrivateSwitch, "100.64.0.5")], "InternalIP 100.64.0.5, Hostname w1" },
        {
            "two NICs in NIC order, then the external ones",
            [OnSwitch(RouterSwitch, "203.0.113.100"), OnSwitch(PrivateSwitch, "10.0.0.5")],
            "InternalIP 203.0.113.100, InternalIP 10.0.0.5, ExternalIP 203.0.113.100, Hostname w1"
        },
        { "a NIC without an address is skipped", [OnSwitch(PrivateSwitch, null), OnSwitch(RouterSwitch, "203.0.113.100")], "InternalIP 203.0.113.100, ExternalIP 203.0.113.100, Hostname w1" },
        { "a disconnected NIC's address is not reachable", [new CloudServerNic { SwitchId = null, UserIPAddress = "203.0.113.5" }, OnSwitch(PrivateSwitch, "10.0.0.5")], "InternalIP 10.0.0.5, Hostname w1" },
        { "a registered address that is not IPv4 is skipped", [OnSwitch(PrivateSwitch, "not-an-ip"), OnSwitch(PrivateSwitch, "10.0.0.6")], "InternalIP 10.0.0.6, Hostname w1" },
        { "the same address twice counts once", [OnSwitch(PrivateSwitch, "10.0.0.6"), OnSwitch(RouterSwitch, "10.0.0.6")], "InternalIP 10.0.0.6, Hostname w1" },
    };

    [Theory]
    [MemberData(nameof(Servers))]
    public void Decide_AddressesFromTheServersNics(string why, CloudServerNic[] nics, string expected)
    {
        var decision = NodeAddressing.Decide(Server(1, "w1", nics), Registered("w1"));

        Assert.True(decision.Problem is null && decision.Warning is null, why);
        Assert.Equal(expected, Text(decision.Addresses));
    }

    [Fact]
    public void Decide_ServerWithoutNicsOrAddresses_WarnsAndLeavesAddressesAlone()
    {
        foreach (var server in new[] { Server(1, "w1"), Server(1, "w1", OnSwitch(PrivateSwitch, null), new CloudServerNic()) })
        {
            var decision = NodeAddressing.Decide(server, Registered("w1"));

            Assert.Empty(decision.Addresses);
            Assert.Null(decision.Problem);
            Assert.Equal(ReasonCodes.ServerWithoutAddress, decision.Warning?.Code);
        }
    }

    [Fact]
    public void Decide_ProvidedNodeIp_IsTheOnlyAddressOfItsTypes()
    {
        var server = Server(1, "w1", OnSwitch(RouterSwitch, "203.0.113.100"), OnSwitch(PrivateSwitch, "10.0.0.5"));

        var toPrivate = NodeAddressing.Decide(server, Registered("w1") with { ProvidedNodeIp = "10.0.0.5" });
        var toGlobal = NodeAddressing.Decide(server, Registered("w1") with { ProvidedNodeIp = "203.0.113.100" });

        Assert.Equal("InternalIP 10.0.0.5, ExternalIP 203.0.113.100, Hostname w1", Text(toPrivate.Addresses));
        Assert.Equal("InternalIP 203.0.113.100, ExternalIP 203.0.113.100, Hostname w1", Text(toGlobal.Addresses));
    }

    [Theory]
    [InlineData("10.9.9.9")]
    [InlineData("fd00::1")]
    [InlineData("nonsense")]
    public void Decide_ProvidedNodeIpNotTheServers_IsAProblemNamingBoth(string provided)
    {
        var decision = NodeAddressing.Decide(Worker(1, "w1"), Registered("w1") with { ProvidedNodeIp = provided });

        Assert.Empty(decision.Addresses);
        Assert.Equal(ReasonCodes.ProvidedNodeIPNotFound, decision.Problem?.Code);
        Assert.Contains(provided, decision.Problem!.Message, StringComparison.Ordinal);
        Assert.Contains("203.0.113.100", decision.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Hostname_KubeletsFirstThenTheServersThenTheNodeName()
    {
        var kubelet = Registered("w1") with { Addresses = [new NodeAddressSnapshot(WellKnown.NodeHostName, "w1.example")] };

        Assert.EndsWith("Hostname w1.example", Text(NodeAddressing.Decide(Worker(1, "w1") with { HostName = "other" }, kubelet).Addresses), StringComparison.Ordinal);
        Assert.EndsWith("Hostname srv-host", Text(NodeAddressing.Decide(Worker(1, "w1") with { HostName = "srv-host" }, Registered("w1")).Addresses), StringComparison.Ordinal);
        Assert.EndsWith("Hostname w1", Text(NodeAddressing.Decide(Worker(1, "w1") with { HostName = null }, Registered("w1")).Addresses), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.1", true)]
    [InlineData("133.242.224.41", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.200.50", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("169.254.1.1", false)]
    [InlineData("127.0.0.1", false)]
    public void IsGlobal_OnASwitch_OutsideThePrivateAndSpecialRanges(string address, bool global)
    {
        Assert.Equal(global, NodeAddressing.IsGlobal(Ipv4Address.Parse(address), sharedSegment: false));
        Assert.True(NodeAddressing.IsGlobal(Ipv4Address.Parse(address), sharedSegment: true));
    }

    [Fact]
    public void SameAddresses_IgnoresOrder()
    {
        NodeAddressSnapshot a = new(WellKnown.NodeInternalIP, "10.0.0.1"), b = new(WellKnown.NodeHostName, "w1");

        Assert.True(NodeAddressing.SameAddresses([a, b], [b, a]));
        Assert.False(NodeAddressing.SameAddresses([a], [a, b]));
    }
}
