using static SakuraLb.Reconcile.Tests.Nodes.NodeSamples;

namespace SakuraLb.Reconcile.Tests.Nodes;

/// <summary>The node controller's decision table: Node ↔ server, what an initialised Node carries, taints, and the lifecycle's limits.</summary>
public sealed class NodeDecisionsTests
{
    private static NodeResult Single(NodeDecision decision, string name) => Assert.Single(decision.Results, r => r.Name == name);

    [Fact]
    public void RegisteredNode_WithItsServer_IsInitialisedWhole()
    {
        var decision = Decide([Registered("w1")], [Worker(113100000003, "w1")]);

        var result = Single(decision, "w1");
        Assert.Equal(ReasonCodes.NodeInitialized, result.ReasonCode);
        Assert.Equal("uid-w1", result.Uid);
        Assert.Equal("sakuracloud://113100000003", result.ProviderId);
        Assert.Equal(
            ["InternalIP 203.0.113.100", "ExternalIP 203.0.113.100", "Hostname w1"],
            result.Addresses!.Select(a => $"{a.Type} {a.Address}"));
        Assert.Equal(new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.RegionLabel] = "is1", [WellKnown.InstanceTypeLabel] = "2core-4gb" }, result.Labels);
        Assert.True(result.Initialized);
        Assert.False(result.Shutdown);
        Assert.False(result.Delete);
        Assert.Null(result.Warnings);
        Assert.Contains("113100000003", result.Message, StringComparison.Ordinal);
        Assert.Equal(T0, result.Since);
        Assert.Equal((1, 0), (decision.Initializing, decision.Waiting));
    }

    [Fact]
    public void NodesNoLoadBalancerUses_ControlPlaneCordonedOrLeaving_AreInitialisedAll()
    {
        // A control-plane node usually carries the exclusion label; a cordoned or autoscaled-away node is no real
        // server either. Initialisation is not about load balancers: every one of them must become schedulable.
        NodeSnapshot[] nodes =
        [
            Registered("cp1") with { Labels = new Dictionary<string, string> { [WellKnown.ExcludeFromExternalLoadBalancersLabel] = "" } },
            Registered("w1") with { Unschedulable = true },
            Registered("w2") with { Taints = [Uninitialized, new NodeTaintSnapshot { Key = WellKnown.ToBeDeletedByClusterAutoscalerTaint, Effect = "NoSchedule" }] },
        ];

        var decision = Decide(nodes, [Worker(113100000001, "cp1", "203.0.113.99"), Worker(113100000003, "w1"), Worker(113100000005, "w2", "203.0.113.101")]);

        Assert.All(new[] { "cp1", "w1", "w2" }, n => Assert.True(Single(decision, n) is { Initialized: true, ProviderId: not null, ReasonCode: ReasonCodes.NodeInitialized }));
        Assert.Equal((3, 0), (decision.Initializing, decision.Waiting));
    }

    [Fact]
    public void InitialisedNode_GetsOnlyWhatIsMissing_NeverOverwrites()
    {
        var node = Initialised("w1", 113100000003, "10.9.9.9") with
        {
            Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.RegionLabel] = "is1a" },
        };

        var result = Single(Decide([node], [Worker(113100000003, "w1")]), "w1");

        Assert.Null(result.ProviderId);
        Assert.Null(result.Addresses);
        Assert.Equal(new Dictionary<string, string> { [WellKnown.InstanceTypeLabel] = "2core-4gb" }, result.Labels);
        Assert.False(result.Initialized);
        Assert.Equal(ReasonCodes.NodeInitialized, result.ReasonCode);
    }

    [Fact]
    public void UntaintedNodeWithoutAnyAddress_GetsTheServersAddresses()
    {
        var node = Initialised("w1", 113100000003) with { Addresses = [new NodeAddressSnapshot(WellKnown.NodeHostName, "w1")] };

        var result = Single(Decide([node], [Worker(113100000003, "w1")]), "w1");

        Assert.Equal(["InternalIP", "ExternalIP", "Hostname"], result.Addresses!.Select(a => a.Type));
    }

    [Fact]
    public void ProviderId_DecidesOverTheName_ARenamedServerStaysItsNodes()
    {
        var result = Single(Decide([Initialised("w1", 7)], [Worker(7, "renamed"), Worker(8, "w1", "203.0.113.101")]), "w1");

        Assert.Equal(ReasonCodes.NodeInitialized, result.ReasonCode);
        Assert.Contains("server 7 ", result.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, NodeSnapshot, CloudServer[], string> NotInitialised => new()
    {
        { "no server of that name", Registered("w1"), [Worker(1, "w10"), Worker(2, "W1")], ReasonCodes.ServerNotFound },
        { "no servers at all", Registered("w1"), [], ReasonCodes.ServerNotFound },
        { "several servers of that name", Registered("w1"), [Worker(1, "w1"), Worker(2, "w1", "203.0.113.101")], ReasonCodes.AmbiguousServerName },
        { "provided node IP not the server's", Registered("w1") with { ProvidedNodeIp = "10.1.1.1" }, [Worker(1, "w1")], ReasonCodes.ProvidedNodeIPNotFound },
        { "another provider's id", Registered("w1") with { ProviderId = "aws:///us-east-1a/i-0abc" }, [Worker(1, "w1")], ReasonCodes.ForeignProviderID },
        { "not a server id", Registered("w1") with { ProviderId = "sakuracloud://w1" }, [Worker(1, "w1")], ReasonCodes.ForeignProviderID },
        { "labelled with another zone", Registered("w1") with { Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "tk1a" } }, [Worker(1, "w1")], ReasonCodes.NodeInOtherZone },
    };

    [Theory]
    [MemberData(nameof(NotInitialised))]
    public void RegisteredNode_WithoutItsOneServer_KeepsTheTaintAndSaysWhy(string why, NodeSnapshot node, CloudServer[] servers, string reason)
    {
        var decision = Decide([node], servers);

        var result = Single(decision, "w1");
        Assert.True(reason == result.ReasonCode, $"{why}: {result.ReasonCode}");
        Assert.False(result.Initialized);
        Assert.Null(result.ProviderId);
        Assert.Null(result.Addresses);
        Assert.Empty(result.Labels);
        Assert.False(result.Delete);
        Assert.Contains("w1", result.Message, StringComparison.Ordinal);
        Assert.Equal((0, 1), (decision.Initializing, decision.Waiting));
    }

    [Fact]
    public void AmbiguousName_MessageNamesTheServers()
    {
        var result = Single(Decide([Registered("w1")], [Worker(11, "w1"), Worker(12, "w1", "203.0.113.101")]), "w1");

        Assert.Contains("11, 12", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForeignOrOtherZoneNode_ThatIsNotWaitingForUs_GetsNoResult()
    {
        var foreign = Initialised("w1", 1) with { ProviderId = "gce://p/z/w1" };
        var otherZone = Initialised("w2", 2) with { Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "tk1a" } };

        Assert.Empty(Decide([foreign, otherZone], []).Results);
    }

    [Fact]
    public void ServerWithoutAddress_InitialisesButLeavesAddressesAlone_AndWarns()
    {
        var result = Single(Decide([Registered("w1")], [Server(1, "w1")]), "w1");

        Assert.True(result.Initialized);
        Assert.Equal("sakuracloud://1", result.ProviderId);
        Assert.Null(result.Addresses);
        Assert.Equal(ReasonCodes.ServerWithoutAddress, Assert.Single(result.Warnings!).ReasonCode);
    }

    [Theory]
    [InlineData(InstanceStatus.Down, true, ReasonCodes.ServerShutdown)]
    [InlineData(InstanceStatus.Up, false, ReasonCodes.NodeInitialized)]
    [InlineData(InstanceStatus.Unknown, null, ReasonCodes.NodeInitialized)]
    public void PowerState_DecidesTheShutdownTaint(InstanceStatus power, bool? shutdown, string reason)
    {
        var result = Single(Decide([Initialised("w1", 1)], [Worker(1, "w1") with { PowerState = power }]), "w1");

        Assert.Equal(shutdown, result.Shutdown);
        Assert.Equal(reason, result.ReasonCode);
    }

    [Fact]
    public void PoweredOffRegisteredNode_IsInitialisedAndTaintedShutdown()
    {
        var result = Single(Decide([Registered("w1")], [Worker(1, "w1") with { PowerState = InstanceStatus.Down }]), "w1");

        Assert.True(result.Initialized);
        Assert.True(result.Shutdown);
        Assert.Equal(ReasonCodes.ServerShutdown, result.ReasonCode);
    }

    [Fact]
    public void Switches_EachPartOffOnItsOwn()
    {
        var down = Worker(1, "w1") with { PowerState = InstanceStatus.Down };

        var noInit = Single(Decide([Registered("w1")], [down], Rules with { Initialize = false }), "w1");
        Assert.False(noInit.Initialized);
        Assert.Null(noInit.ProviderId);
        Assert.Empty(noInit.Labels);
        Assert.True(noInit.Shutdown);

        var noTaint = Single(Decide([Registered("w1")], [down], Rules with { ShutdownTaint = false }), "w1");
        Assert.True(noTaint.Initialized);
        Assert.Null(noTaint.Shutdown);

        Assert.Empty(Decide([Registered("w1")], [], Rules with { Initialize = false }).Results);
        Assert.Empty(Decide([Initialised("w1", 1)], [Worker(2, "x")], Rules with { DeleteVanished = false, ShutdownTaint = false, Initialize = false }).Results);
    }

    [Fact]
    public void NodeBeingDeleted_GetsNothing()
    {
        Assert.Empty(Decide([Registered("w1") with { DeletionTimestamp = T0 }], [Worker(1, "w1")]).Results);
    }

    [Fact]
    public void Since_StaysWhileTheReasonDoes_AndMovesWhenItChanges()
    {
        var first = Decide([Initialised("w1", 1)], [Worker(1, "w1")]);
        var same = Decide([Initialised("w1", 1)], [Worker(1, "w1")], now: T0.AddMinutes(5), previous: first.Results);
        var down = Decide([Initialised("w1", 1)], [Worker(1, "w1") with { PowerState = InstanceStatus.Down }], now: T0.AddMinutes(6), previous: same.Results);
        var recreated = Decide([Initialised("w1", 1) with { Uid = "uid-new" }], [Worker(1, "w1")], now: T0.AddMinutes(7), previous: first.Results);

        Assert.Equal(T0, Single(same, "w1").Since);
        Assert.Equal(T0.AddMinutes(6), Single(down, "w1").Since);
        Assert.Equal(T0.AddMinutes(7), Single(recreated, "w1").Since);
    }

    [Fact]
    public void VanishedServer_IsDeletedOnlyAfterTwoReadsTheConfiguredTimeApart()
    {
        var nodes = Enumerable.Range(1, 10).Select(i => Initialised($"w{i:D2}", i)).ToList();
        var servers = Enumerable.Range(2, 9).Select(i => Worker(i, $"w{i:D2}")).ToList();

        var first = Decide(nodes, servers);
        Assert.Equal(ReasonCodes.ServerVanished, Single(first, "w01").ReasonCode);
        Assert.False(Single(first, "w01").Delete);
        Assert.Equal([new VanishedServer("w01", "uid-w01", 1, T0)], first.Vanished);

        var early = Decide(nodes, servers, now: T0.AddSeconds(59), vanished: first.Vanished);
        Assert.False(Single(early, "w01").Delete);

        var confirmed = Decide(nodes, servers, now: T0.AddMinutes(1), vanished: early.Vanished);
        var result = Single(confirmed, "w01");
        Assert.True(result.Delete);
        Assert.Equal(ReasonCodes.DeletingNode, result.ReasonCode);
        Assert.Equal(["w01"], confirmed.Deleting);
    }

    [Fact]
    public void VanishedServer_SeenAgain_StartsOver()
    {
        var nodes = Enumerable.Range(1, 10).Select(i => Initialised($"w{i:D2}", i)).ToList();
        var all = Enumerable.Range(1, 10).Select(i => Worker(i, $"w{i:D2}")).ToList();

        var missing = Decide(nodes, all.Skip(1).ToList());
        var back = Decide(nodes, all, now: T0.AddMinutes(1), vanished: missing.Vanished);
        var again = Decide(nodes, all.Skip(1).ToList(), now: T0.AddMinutes(2), vanished: back.Vanished);

        Assert.Empty(back.Vanished);
        Assert.False(Single(again, "w01").Delete);
        Assert.Equal(T0.AddMinutes(2), Assert.Single(again.Vanished).FirstMissingAt);
    }

    [Fact]
    public void VanishedServer_OfANodeRecreatedUnderItsName_DoesNotCountForTheNewNode()
    {
        var nodes = Enumerable.Range(1, 10).Select(i => Initialised($"w{i:D2}", i)).ToList();
        var servers = Enumerable.Range(2, 9).Select(i => Worker(i, $"w{i:D2}")).ToList();
        var first = Decide(nodes, servers);

        nodes[0] = nodes[0] with { Uid = "uid-again" };
        var later = Decide(nodes, servers, now: T0.AddMinutes(5), vanished: first.Vanished);

        Assert.False(Single(later, "w01").Delete);
        Assert.Equal("uid-again", Assert.Single(later.Vanished).NodeUid);
    }

    [Fact]
    public void EveryServerMissing_DeletesNothing()
    {
        var nodes = Enumerable.Range(1, 20).Select(i => Initialised($"w{i:D2}", i)).ToList();
        var first = Decide(nodes, [Worker(99, "elsewhere")]);

        var second = Decide(nodes, [], now: T0.AddMinutes(2), vanished: first.Vanished);

        Assert.Empty(second.Deleting);
        Assert.NotNull(second.DeletionRefused);
        Assert.All(second.Results, r => Assert.Equal(ReasonCodes.NodeDeletionRefused, r.ReasonCode));
        Assert.All(second.Results, r => Assert.False(r.Delete));
    }

    [Fact]
    public void MoreMissingThanTheShare_DeletesNoneOfThem()
    {
        var nodes = Enumerable.Range(1, 20).Select(i => Initialised($"w{i:D2}", i)).ToList();
        var servers = Enumerable.Range(4, 17).Select(i => Worker(i, $"w{i:D2}")).ToList();
        var first = Decide(nodes, servers);

        var second = Decide(nodes, servers, now: T0.AddMinutes(2), vanished: first.Vanished);

        Assert.Empty(second.Deleting);
        Assert.Contains("at most 2", second.DeletionRefused, StringComparison.Ordinal);
        Assert.Equal(3, second.Results.Count(r => r.ReasonCode == ReasonCodes.NodeDeletionRefused));
    }

    [Fact]
    public void SmallCluster_MayStillLoseOneNode()
    {
        var nodes = new[] { Initialised("a", 1), Initialised("b", 2), Initialised("c", 3) };
        var servers = new[] { Worker(2, "b"), Worker(3, "c") };
        var first = Decide(nodes, servers);

        Assert.Equal(["a"], Decide(nodes, servers, now: T0.AddMinutes(1), vanished: first.Vanished).Deleting);
    }

    [Fact]
    public void DeleteVanishedOff_ReportsButNeverDeletes()
    {
        var nodes = new[] { Initialised("a", 1), Initialised("b", 2) };
        var rules = Rules with { DeleteVanished = false };
        var first = Decide(nodes, [Worker(2, "b")], rules);

        var later = Decide(nodes, [Worker(2, "b")], rules, T0.AddHours(1), first.Vanished);

        Assert.Empty(later.Deleting);
        Assert.Equal(ReasonCodes.ServerVanished, Single(later, "a").ReasonCode);
        Assert.Contains("DeleteVanished is off", Single(later, "a").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeWithoutProviderId_IsNeverDeleted()
    {
        var nodes = new[] { Registered("a"), Initialised("b", 2), Initialised("c", 3) };
        var first = Decide(nodes, [Worker(2, "b"), Worker(3, "c")]);

        var later = Decide(nodes, [Worker(2, "b"), Worker(3, "c")], now: T0.AddHours(1), vanished: first.Vanished);

        Assert.Empty(later.Deleting);
        Assert.Equal(ReasonCodes.ServerNotFound, Single(later, "a").ReasonCode);
    }

    [Fact]
    public void ReadFailed_KeepsWhatWasDecided_ButNeverDeletes()
    {
        var nodes = new[] { Initialised("a", 1), Initialised("b", 2), Initialised("c", 3), Registered("d") };
        var first = Decide(nodes, [Worker(2, "b"), Worker(3, "c")]);
        var deleting = Decide(nodes, [Worker(2, "b"), Worker(3, "c")], now: T0.AddMinutes(1), vanished: first.Vanished);
        Assert.True(Single(deleting, "a").Delete);

        var failed = Decide(nodes, null, now: T0.AddMinutes(2), vanished: deleting.Vanished, previous: deleting.Results);

        Assert.Empty(failed.Deleting);
        Assert.All(failed.Results, r => Assert.False(r.Delete));
        Assert.Equal(ReasonCodes.ServerVanished, Single(failed, "a").ReasonCode);
        Assert.Equal(Single(deleting, "b"), Single(failed, "b"));
        Assert.Equal(deleting.Vanished, failed.Vanished);
        Assert.Equal(Single(deleting, "d"), Single(failed, "d"));
    }

    [Fact]
    public void ReadFailed_BeforeAnyDecision_DecidesNothing()
    {
        var failed = Decide([Registered("w1")], null);

        Assert.Empty(failed.Results);
        Assert.Equal(1, failed.Waiting);
    }
}
