namespace SakuraLb.Reconcile.Tests.Nodes;

public sealed class NodeFingerprintTests
{
    private static NodeSetSnapshot Set(params NodeSnapshot[] nodes) => new() { ResourceVersion = "1", Nodes = nodes };

    private static NodeSnapshot Node(string name, string address) =>
        Fixtures.Node(name, b => b.Addresses.Add(new NodeAddressSnapshot(WellKnown.NodeInternalIP, address))) with
        {
            ProviderId = "sakuracloud://" + name,
        };

    [Fact]
    public void Eligible_OrderAndReadinessAndResourceVersions_DoNotMatter()
    {
        var a = Node("a", "10.0.0.1");
        var b = Node("b", "10.0.0.2");

        var first = NodeFingerprint.Eligible(Set(a, b));
        var second = NodeFingerprint.Eligible(Set(b with { Ready = false, ResourceVersion = "9" }, a));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Eligible_ExcludedNode_IsLikeAnAbsentNode()
    {
        var a = Node("a", "10.0.0.1");
        var excluded = Node("b", "10.0.0.2") with
        {
            Labels = new Dictionary<string, string> { [WellKnown.ExcludeFromExternalLoadBalancersLabel] = "true" },
        };

        Assert.Equal(NodeFingerprint.Eligible(Set(a)), NodeFingerprint.Eligible(Set(a, excluded)));
        Assert.NotEqual(NodeFingerprint.Content(Set(a)), NodeFingerprint.Content(Set(a, excluded)));
    }

    [Fact]
    public void Eligible_AddressChange_Changes()
    {
        var a = Node("a", "10.0.0.1");

        Assert.NotEqual(NodeFingerprint.Eligible(Set(a)), NodeFingerprint.Eligible(Set(Node("a", "10.0.0.9"))));
    }

    [Fact]
    public void Content_UnrelatedLabelOrder_IsStable()
    {
        var a = Node("a", "10.0.0.1") with { Labels = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" } };
        var b = Node("a", "10.0.0.1") with { Labels = new Dictionary<string, string> { ["y"] = "2", ["x"] = "1" } };

        Assert.Equal(NodeFingerprint.Content(Set(a)), NodeFingerprint.Content(Set(b)));
    }
}
