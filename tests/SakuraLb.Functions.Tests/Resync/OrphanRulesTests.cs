using SakuraLb.Functions.Resync;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;

namespace SakuraLb.Functions.Tests.Resync;

public sealed class OrphanRulesTests
{
    private const string Me = "00000000000000000000000000000001";
    private const string Other = "00000000000000000000000000000002";

    private static ObservedLoadBalancer Lb(long id, string name, params string[] tags) => new() { Id = id, Name = name, Tags = tags };

    [Fact]
    public void Classify_OnlyThisClustersLoadBalancers_AreConsidered()
    {
        var known = Snapshots.NewUid();
        var gone = Snapshots.NewUid();
        var lbs = new[]
        {
            Lb(1, LoadBalancerNaming.Name(known), "@k8s", "@k8s.ClusterID=c1", "@k8s.ServiceUID=" + known, "@k8s.Owner=" + Me),
            Lb(2, LoadBalancerNaming.Name(gone), "@k8s", "@k8s.ClusterID=c1", "@k8s.ServiceUID=" + gone, "@k8s.Owner=" + Me),
            Lb(3, "x", "@k8s", "@k8s.ClusterID=c2", "@k8s.ServiceUID=" + gone, "@k8s.Owner=" + Me),
            Lb(4, "y", "@k8s", "@k8s.Owner=" + Me),
            Lb(5, "z", "@k8s.ClusterID=c1", "@k8s.ClusterID=c2", "@k8s.Owner=" + Me),
        };

        var result = OrphanRules.Classify("c1", Me, adoptUnowned: false, new HashSet<string> { known }, lbs);

        Assert.Equal([(1L, OrphanKind.Claimed), (2L, OrphanKind.Orphan)], result.Select(r => (r.LoadBalancer.Id, r.Kind)));
        Assert.Equal(gone, result[1].ServiceUid);
    }

    [Fact]
    public void Classify_WithoutUidTag_MatchesByName()
    {
        var known = Snapshots.NewUid();
        var lbs = new[] { Lb(1, LoadBalancerNaming.Name(known), "@k8s.ClusterID=c1"), Lb(2, "aother", "@k8s.ClusterID=c1", "@k8s.Owner=" + Me) };

        var result = OrphanRules.Classify("c1", Me, adoptUnowned: false, new HashSet<string> { known }, lbs);

        Assert.Equal([OrphanKind.Claimed, OrphanKind.Orphan], result.Select(r => r.Kind));
    }

    [Theory]
    [InlineData(new[] { "@k8s.Owner=" + Me }, false, OrphanKind.Orphan)]
    [InlineData(new[] { "@k8s.Owner=" + Other }, false, OrphanKind.OtherOwner)]
    [InlineData(new[] { "@k8s.Owner=" + Other }, true, OrphanKind.OtherOwner)]
    [InlineData(new[] { "@k8s.Owner=" + Me, "@k8s.Owner=" + Other }, true, OrphanKind.OtherOwner)]
    [InlineData(new string[0], false, OrphanKind.Unowned)]
    [InlineData(new string[0], true, OrphanKind.Orphan)]
    public void Classify_AnUnclaimedLoadBalancer_IsAnOrphanOnlyWithOurOwnerId_OrWithoutOneWhenAdoptionIsOn(string[] ownerTags, bool adopt, OrphanKind expected)
    {
        var gone = Snapshots.NewUid();
        var lb = Lb(1, LoadBalancerNaming.Name(gone), ["@k8s", "@k8s.ClusterID=c1", "@k8s.ServiceUID=" + gone, .. ownerTags]);

        var result = OrphanRules.Classify("c1", Me, adopt, new HashSet<string>(), [lb]);

        Assert.Equal(expected, Assert.Single(result).Kind);
    }

    [Fact]
    public void Classify_AClaimedLoadBalancer_IsNeverAnOrphan_WhateverItsOwnerTag()
    {
        var known = Snapshots.NewUid();
        var lb = Lb(1, LoadBalancerNaming.Name(known), "@k8s.ClusterID=c1", "@k8s.ServiceUID=" + known, "@k8s.Owner=" + Other);

        Assert.Equal(OrphanKind.Claimed, Assert.Single(OrphanRules.Classify("c1", Me, false, new HashSet<string> { known }, [lb])).Kind);
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(2, 2, false)]
    [InlineData(2, 4, true)]
    [InlineData(3, 4, false)]
    [InlineData(10, 20, true)]
    [InlineData(11, 100, false)]
    [InlineData(0, 0, true)]
    public void WithinDeletionCap_CountAndShare_OneIsAlwaysAllowed(int due, int total, bool within)
    {
        Assert.Equal(within, OrphanRules.WithinDeletionCap(due, total, maxCount: 10, maxShare: 0.5));
    }
}
