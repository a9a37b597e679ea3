using static SakuraLb.Reconcile.Tests.Nodes.NodeSamples;

namespace SakuraLb.Reconcile.Tests.Nodes;

public sealed class NodeBoundaryTests
{
    [Theory]
    [InlineData(null, ProviderIdKind.None, 0)]
    [InlineData("", ProviderIdKind.None, 0)]
    [InlineData("sakuracloud://113100000003", ProviderIdKind.Sakura, 113100000003)]
    [InlineData("sakuracloud://0", ProviderIdKind.Foreign, 0)]
    [InlineData("sakuracloud://-1", ProviderIdKind.Foreign, 0)]
    [InlineData("sakuracloud://12a", ProviderIdKind.Foreign, 0)]
    [InlineData("sakuracloud:///113100000003", ProviderIdKind.Foreign, 0)]
    [InlineData("sakuracloud://", ProviderIdKind.Foreign, 0)]
    [InlineData("sakuracloud://99999999999999999999", ProviderIdKind.Foreign, 0)]
    [InlineData("SAKURACLOUD://1", ProviderIdKind.Foreign, 0)]
    [InlineData("hcloud://1", ProviderIdKind.Foreign, 0)]
    public void Classify_OnlyOurPrefixWithAServerId(string? providerId, ProviderIdKind kind, long id)
    {
        Assert.Equal(kind, ProviderIds.Classify(providerId, out var serverId));
        Assert.Equal(id, kind == ProviderIdKind.Sakura ? serverId : 0);
    }

    [Fact]
    public void Format_IsTheOriginalControllersFormat() =>
        Assert.Equal("sakuracloud://113100000003", ProviderIds.Format(113100000003));

    [Fact]
    public void ServerIndex_NameMatchIsExactAndCaseSensitive()
    {
        var index = new ServerIndex([Worker(1, "worker01"), Worker(2, "worker010"), Worker(3, "Worker01")]);

        var match = index.Match(Registered("worker01"));

        Assert.Equal(ServerMatchKind.Found, match.Kind);
        Assert.Equal(1, match.Server!.Id);
        Assert.Equal(ServerMatchKind.NotFound, index.Match(Registered("worker0")).Kind);
    }

    [Theory]
    [InlineData(0, 0.1, 1)]
    [InlineData(3, 0.1, 1)]
    [InlineData(19, 0.1, 1)]
    [InlineData(20, 0.1, 2)]
    [InlineData(100, 0.1, 10)]
    [InlineData(5000, 0.1, 500)]
    [InlineData(10, 1.0, 10)]
    [InlineData(10, 0.3, 3)]
    public void Limit_TheShareRoundedDown_AtLeastOne(int nodes, double share, int limit) =>
        Assert.Equal(limit, NodeDeletionGuard.Limit(nodes, share));
}
