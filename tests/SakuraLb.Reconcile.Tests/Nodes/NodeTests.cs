using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Nodes;

public sealed class NodeTests
{
    [Theory]
    [InlineData(null, NodeExclusion.None)]
    [InlineData("false", NodeExclusion.None)]
    [InlineData("False", NodeExclusion.None)]
    [InlineData("0", NodeExclusion.None)]
    [InlineData("true", NodeExclusion.ExcludedByLabel)]
    [InlineData("", NodeExclusion.ExcludedByLabel)]
    [InlineData("yes", NodeExclusion.ExcludedByLabel)]
    [InlineData("fAlse", NodeExclusion.ExcludedByLabel)]
    public void Evaluate_ExclusionLabel_FalseMeansIncluded_UnparsableExcludes(string? value, NodeExclusion expected)
    {
        var node = Node("n", b =>
        {
            if (value is not null)
            {
                b.Labels[WellKnown.ExcludeFromExternalLoadBalancersLabel] = value;
            }
        });

        Assert.Equal(expected, NodeEligibility.Evaluate(node));
    }

    [Fact]
    public void Evaluate_AutoscalerTaint_Excludes()
    {
        var node = Node("n", b => b.Taints.Add(new NodeTaintSnapshot { Key = WellKnown.ToBeDeletedByClusterAutoscalerTaint, Effect = "NoSchedule" }));

        Assert.Equal(NodeExclusion.ToBeDeletedByAutoscaler, NodeEligibility.Evaluate(node));
    }

    [Fact]
    public void Evaluate_Deleting_Excludes()
    {
        Assert.Equal(NodeExclusion.Deleting, NodeEligibility.Evaluate(Node("n", b => b.DeletionTimestamp = DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void Evaluate_NotReadyOrOtherTaints_StillIncluded()
    {
        var node = Node("n", b =>
        {
            b.Ready = false;
            b.Taints.Add(new NodeTaintSnapshot { Key = "node.kubernetes.io/unreachable", Effect = "NoExecute" });
            b.Labels["node-role.kubernetes.io/control-plane"] = "";
        });

        Assert.True(NodeEligibility.IsEligible(node));
    }

    [Fact]
    public void Select_MatchesByExactNameAndSwitchAddress_SortedByAddress()
    {
        var nodes = new[] { Node("worker02"), Node("worker01"), Node("worker0") };
        var servers = new[] { Server("worker01", "203.0.113.106"), Server("worker02", "203.0.113.104"), Server("worker010", "203.0.113.105") };

        var selection = RealServerSelector.Select(nodes, servers, Router, 40, Uid);

        Assert.Equal([("worker02", "203.0.113.104"), ("worker01", "203.0.113.106")], selection.Servers.Select(s => (s.NodeName, s.Address.ToString())));
        var warning = Assert.Single(selection.Warnings);
        Assert.Equal(ReasonCodes.NodeWithoutServer, warning.Code);
        Assert.Contains("worker0", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_ServerNotOnRouterSwitch_ReportedAsWithoutAddress()
    {
        var selection = RealServerSelector.Select([Node("a"), Node("b")], [Server("a", "203.0.113.104", switchId: 42), Server("b", "10.0.0.5")], Router, 40, Uid);

        Assert.Empty(selection.Servers);
        Assert.Equal([ReasonCodes.NodeWithoutAddress, ReasonCodes.NoEligibleNodes], selection.Warnings.Select(w => w.Code));
        Assert.Contains("a, b", selection.Warnings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_NicWithoutRegisteredAddress_FallsBackToNodeAddressInBlock()
    {
        var node = Node("a", b =>
        {
            b.Addresses.Add(new NodeAddressSnapshot(WellKnown.NodeInternalIP, "10.0.0.5"));
            b.Addresses.Add(new NodeAddressSnapshot(WellKnown.NodeExternalIP, "203.0.113.108"));
        });

        var selection = RealServerSelector.Select([node], [Server("a", null)], Router, 40, Uid);

        Assert.Equal(Ip("203.0.113.108"), Assert.Single(selection.Servers).Address);
    }

    [Fact]
    public void Select_SharedSegmentNic_UsesApiAssignedAddress()
    {
        var server = new CloudServer { Name = "a", Nics = [new CloudServerNic { SwitchId = SwitchId, IPAddress = "203.0.113.109" }] };

        Assert.Equal(Ip("203.0.113.109"), Assert.Single(RealServerSelector.Select([Node("a")], [server], Router, 40, Uid).Servers).Address);
    }

    [Fact]
    public void Select_DuplicateServerNamesOrAddresses_AreReported()
    {
        var servers = new[] { Server("a", "203.0.113.104"), Server("a", "203.0.113.105"), Server("b", "203.0.113.106"), Server("c", "203.0.113.106") };

        var selection = RealServerSelector.Select([Node("a"), Node("b"), Node("c")], servers, Router, 40, Uid);

        Assert.Equal(["b"], selection.Servers.Select(s => s.NodeName));
        Assert.Equal([ReasonCodes.AmbiguousServerName, ReasonCodes.DuplicateNodeAddress], selection.Warnings.Select(w => w.Code));
    }

    [Fact]
    public void Select_SharedAddress_GoesToTheSmallerNameWhateverTheInputOrder()
    {
        var servers = new[] { Server("c", "203.0.113.106"), Server("b", "203.0.113.106") };

        var forward = RealServerSelector.Select([Node("b"), Node("c")], servers, Router, 40, Uid);
        var backward = RealServerSelector.Select([Node("c"), Node("b")], [.. servers.Reverse()], Router, 40, Uid);

        Assert.Equal(["b"], forward.Servers.Select(s => s.NodeName));
        Assert.Equal(forward.Servers, backward.Servers);
        Assert.Equal(forward.Warnings, backward.Warnings);
    }

    [Fact]
    public void Select_ExcludedNodes_AreListedNotWarned()
    {
        var (nodes, servers) = Workers(2);
        nodes[0] = Node(nodes[0].Name, b => b.Labels[WellKnown.ExcludeFromExternalLoadBalancersLabel] = "true");

        var selection = RealServerSelector.Select(nodes, servers, Router, 40, Uid);

        Assert.Equal(["worker01"], selection.ExcludedNodes);
        Assert.Single(selection.Servers);
        Assert.Empty(selection.Warnings);
    }

    [Fact]
    public void Select_AboveLimit_StableSubsetAndReport()
    {
        var router = Router with { Block = new(Ip("10.0.0.0"), 16), AssignableRange = new(Ip("10.0.0.4"), Ip("10.0.255.254")), DefaultRoute = Ip("10.0.0.1") };
        var nodes = Enumerable.Range(1, 50).Select(i => Node($"n{i:000}")).ToList();
        var servers = Enumerable.Range(1, 50).Select(i => Server($"n{i:000}", $"10.0.1.{i}")).ToList();

        var selection = RealServerSelector.Select(nodes, servers, router, 40, Uid);
        var again = RealServerSelector.Select([.. Enumerable.Reverse(nodes)], [.. Enumerable.Reverse(servers)], router, 40, Uid);
        var oneMore = RealServerSelector.Select([.. nodes, Node("n051")], [.. servers, Server("n051", "10.0.1.51")], router, 40, Uid);

        Assert.Equal(40, selection.Servers.Count);
        Assert.Equal(10, selection.DroppedByLimit.Count);
        Assert.Equal(selection.Servers, again.Servers);
        Assert.True(selection.Servers.Except(oneMore.Servers).Count() <= 1, "adding a node must change at most one choice");
        var warning = Assert.Single(selection.Warnings);
        Assert.Equal(ReasonCodes.TooManyNodes, warning.Code);
        Assert.Contains("50 nodes qualify", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_DifferentServices_SpreadOverDifferentSubsets()
    {
        var router = Router with { Block = new(Ip("10.0.0.0"), 16), AssignableRange = new(Ip("10.0.0.4"), Ip("10.0.255.254")), DefaultRoute = Ip("10.0.0.1") };
        var nodes = Enumerable.Range(1, 80).Select(i => Node($"n{i:000}")).ToList();
        var servers = Enumerable.Range(1, 80).Select(i => Server($"n{i:000}", $"10.0.1.{i}")).ToList();

        var a = RealServerSelector.Select(nodes, servers, router, 40, "uid-a").Servers;
        var b = RealServerSelector.Select(nodes, servers, router, 40, "uid-b").Servers;

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Select_ManyProblemNodes_MessageNamesTenAndCountsTheRest()
    {
        var nodes = Enumerable.Range(1, 15).Select(i => Node($"x{i:00}")).ToList();

        var warning = RealServerSelector.Select(nodes, [], Router, 40, Uid).Warnings[0];

        Assert.Contains("x01, x02", warning.Message, StringComparison.Ordinal);
        Assert.Contains("and 5 more", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShouldResync_FollowsEligibilityAndAddresses_NotReadiness()
    {
        var node = Node("a", b => b.Addresses.Add(new NodeAddressSnapshot(WellKnown.NodeInternalIP, "10.0.0.1")));

        Assert.False(NodeEligibility.ShouldResync(node, node with { Ready = false, ResourceVersion = "2" }));
        Assert.True(NodeEligibility.ShouldResync(node, node with { Addresses = [new NodeAddressSnapshot(WellKnown.NodeInternalIP, "10.0.0.2")] }));
        Assert.True(NodeEligibility.ShouldResync(node, node with { Labels = new Dictionary<string, string> { [WellKnown.ExcludeFromExternalLoadBalancersLabel] = "true" } }));
        Assert.False(NodeEligibility.ShouldResync(node, node with { Labels = new Dictionary<string, string> { [WellKnown.ExcludeFromExternalLoadBalancersLabel] = "false" } }));
        Assert.True(NodeEligibility.ShouldResync(node, node with { ProviderId = "sakuracloud://1" }));
        Assert.True(NodeEligibility.ShouldResync(null, node));
        Assert.True(NodeEligibility.ShouldResync(node, null));
    }

    [Fact]
    public void ShouldResync_NodeBeingDeletedOrTaintedForDeletion_ResyncsAtOnce_UnlikeUpstream()
    {
        // Upstream's shouldSyncUpdatedNode waits for its 100-second full sync here; this controller does not (see
        // the remarks on ShouldResync), and the node-set fingerprint agrees, so the node leaves the LB at once.
        var node = Node("a", b => b.Addresses.Add(new NodeAddressSnapshot(WellKnown.NodeInternalIP, "10.0.0.1")));
        var deleting = node with { DeletionTimestamp = DateTimeOffset.UnixEpoch };
        var tainted = node with { Taints = [new NodeTaintSnapshot { Key = WellKnown.ToBeDeletedByClusterAutoscalerTaint, Effect = "NoSchedule" }] };

        Assert.True(NodeEligibility.ShouldResync(node, deleting));
        Assert.True(NodeEligibility.ShouldResync(node, tainted));
        Assert.NotEqual(NodeFingerprint.Eligible(Set(node)), NodeFingerprint.Eligible(Set(deleting)));
        Assert.NotEqual(NodeFingerprint.Eligible(Set(node)), NodeFingerprint.Eligible(Set(tainted)));

        static NodeSetSnapshot Set(NodeSnapshot n) => new() { Nodes = [n] };
    }
}
