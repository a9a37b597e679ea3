using System.Text.Json.Nodes;
using SakuraLb.Relay.Nodes;
using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class NodeWritePlannerTests
{
    private static readonly DateTimeOffset Since = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly V1Taint Uninitialized = new() { Key = WellKnown.UninitializedTaint, Value = "true", Effect = "NoSchedule" };
    private static readonly V1Taint Dedicated = new() { Key = "dedicated", Value = "db", Effect = "NoSchedule" };

    private static TrackedNode Registered(params V1Taint[] taints) => new(
        new NodeSnapshot
        {
            Name = "w1",
            Uid = "uid-w1",
            ResourceVersion = "42",
            Taints = [.. taints.Where(t => WellKnown.IsRelevantNodeTaint(t.Key)).Select(t => new NodeTaintSnapshot { Key = t.Key, Value = t.Value, Effect = t.Effect })],
        },
        taints);

    private static NodeResult Initialise() => new()
    {
        Name = "w1",
        Uid = "uid-w1",
        ProviderId = "sakuracloud://7",
        Addresses = [new(WellKnown.NodeInternalIP, "203.0.113.100"), new(WellKnown.NodeHostName, "w1")],
        Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.InstanceTypeLabel] = "2core-4gb" },
        Initialized = true,
        Shutdown = false,
        ReasonCode = ReasonCodes.NodeInitialized,
        Message = "node w1 is initialised from Sakura server 7",
        Since = Since,
    };

    [Fact]
    public void RegisteredNode_AddressesThenOneSpecPatchThenTheEvent()
    {
        var actions = NodeWritePlanner.Plan(Registered(Uninitialized, Dedicated), Initialise(), new EventMemory());

        Assert.Equal(["node_addresses", "node_spec", "node_event"], actions.Select(a => a.Kind));
        var spec = Assert.IsType<PatchNode>(actions[1]);
        Assert.Equal("sakuracloud://7", spec.ProviderId);
        Assert.Equal(2, spec.Labels.Count);
        Assert.Equal([Dedicated], spec.Taints);
        Assert.Equal("42", spec.ResourceVersion);
        var record = Assert.IsType<RecordNodeEvent>(actions[2]);
        Assert.Equal(("Normal", ReasonCodes.NodeInitialized), (record.Text.Type, record.Text.Reason));
        Assert.StartsWith("w1.", record.Text.EventName, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeThatHasItAll_GetsNoWrite()
    {
        var result = Initialise();
        var node = new TrackedNode(
            new NodeSnapshot
            {
                Name = "w1",
                Uid = "uid-w1",
                ProviderId = "sakuracloud://7",
                Addresses = [.. result.Addresses!.Reverse()],
                Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "tk1a", [WellKnown.InstanceTypeLabel] = "custom" },
            },
            []);
        var memory = new EventMemory { PhaseKey = NodeWritePlanner.PhaseKeyOf(result) };

        Assert.Empty(NodeWritePlanner.Plan(node, result, memory));
    }

    [Fact]
    public void ResultOfAnotherNodeOfTheSameName_IsNeverApplied()
    {
        Assert.Empty(NodeWritePlanner.Plan(Registered(Uninitialized), Initialise() with { Uid = "uid-old" }, null));
        Assert.Empty(NodeWritePlanner.Plan(Registered(Uninitialized), Initialise() with { Uid = "uid-old", Delete = true }, null));
    }

    [Fact]
    public void Delete_RecordsTheReasonFirst()
    {
        var result = new NodeResult { Name = "w1", Uid = "uid-w1", Delete = true, ReasonCode = ReasonCodes.DeletingNode, Message = "gone", Since = Since };

        var actions = NodeWritePlanner.Plan(Registered(), result, null);

        Assert.Equal(["node_event", "node_delete"], actions.Select(a => a.Kind));
        Assert.Equal(NodeWritePlanner.ActionDelete, ((RecordNodeEvent)actions[0]).Text.Action);
    }

    [Theory]
    [InlineData(true, false, "dedicated,node.cloudprovider.kubernetes.io/shutdown")]
    [InlineData(false, true, "dedicated")]
    [InlineData(null, true, null)]
    [InlineData(true, true, null)]
    [InlineData(false, false, null)]
    public void ShutdownTaint_AddedOrRemovedAsTheResultSays(bool? shutdown, bool tainted, string? expected)
    {
        var taints = tainted ? new[] { Dedicated, new V1Taint { Key = WellKnown.ShutdownTaint, Effect = "NoSchedule" } } : [Dedicated];

        var result = NodeWritePlanner.Taints(taints, new NodeResult { Shutdown = shutdown });

        Assert.Equal(expected, result is null ? null : string.Join(",", result.Select(t => t.Key)));
    }

    [Fact]
    public void Warnings_EachRecordedOnce()
    {
        var result = Initialise() with { Warnings = [new StatusWarning(ReasonCodes.ServerWithoutAddress, "no address")] };
        var memory = new EventMemory { PhaseKey = NodeWritePlanner.PhaseKeyOf(result) };
        var node = Registered();

        var first = NodeWritePlanner.Plan(node, result, memory).OfType<RecordNodeEvent>().Single();
        memory.Warnings.Add(first.WarningKey!);

        Assert.Equal(("Warning", ReasonCodes.ServerWithoutAddress), (first.Text.Type, first.Text.Reason));
        Assert.Empty(NodeWritePlanner.Plan(node, result, memory).OfType<RecordNodeEvent>());
    }

    [Fact]
    public void SpecPatch_NamesTheUid_AndTheResourceVersionOnlyWithTaints()
    {
        var withTaints = JsonNode.Parse(NodeWrites.SpecPatch(new PatchNode("w1", "uid-w1", "sakuracloud://7", new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a" }, [], "42")).Content.ToString()!)!;
        var labelsOnly = JsonNode.Parse(NodeWrites.SpecPatch(new PatchNode("w1", "uid-w1", null, new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a" }, null, null)).Content.ToString()!)!;

        Assert.Equal("""{"metadata":{"uid":"uid-w1","resourceVersion":"42","labels":{"topology.kubernetes.io/zone":"is1a"}},"spec":{"providerID":"sakuracloud://7","taints":null}}""", withTaints.ToJsonString());
        Assert.Equal("""{"metadata":{"uid":"uid-w1","labels":{"topology.kubernetes.io/zone":"is1a"}}}""", labelsOnly.ToJsonString());
    }

    [Fact]
    public void AddressesPatch_WholeListWithTheUid()
    {
        var patch = NodeWrites.AddressesPatch(new SetNodeAddresses("w1", "uid-w1", [new(WellKnown.NodeInternalIP, "10.0.0.1")]));

        Assert.Equal(V1Patch.PatchType.MergePatch, patch.Type);
        Assert.Equal("""{"metadata":{"uid":"uid-w1"},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"}]}}""", patch.Content.ToString());
    }

    [Fact]
    public void NodeEvent_IsAboutTheNodeInTheDefaultNamespace()
    {
        var record = (RecordNodeEvent)NodeWritePlanner.Plan(Registered(), Initialise(), null).Last();

        var kubeEvent = NodeWrites.Event(record, Since, "k8s.usacloud.jp/sakuralb-relay", "relay-a");

        Assert.Equal(("default", "Node", "w1", "uid-w1", null), (kubeEvent.Metadata.NamespaceProperty, kubeEvent.Regarding.Kind, kubeEvent.Regarding.Name, kubeEvent.Regarding.Uid, kubeEvent.Regarding.NamespaceProperty));
    }

    [Fact]
    public void ResultStore_ChangesOnlyWithTheContent_AndKnowsAFeedWithoutNodes()
    {
        var store = new NodeResultStore();

        Assert.Null(store.Published);
        Assert.True(store.Apply(new StatusFeed { Nodes = [Initialise()] }));
        Assert.False(store.Apply(new StatusFeed { Nodes = [Initialise()] }));
        Assert.True(store.Apply(new StatusFeed()));
        Assert.False(store.Published);
        Assert.Empty(store.All());
    }
}
