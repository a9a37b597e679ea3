using SakuraLb.Functions.Resync;
using SakuraLb.Functions.Tests.Infrastructure;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;

namespace SakuraLb.Functions.Tests.Resync;

public sealed class OrphanRulesTests
{
    private static ObservedLoadBalancer Lb(long id, string name, params string[] tags) => new() { Id = id, Name = name, Tags = tags };

    [Fact]
    public void Classify_OnlyThisClustersLoadBalancers_AreConsidered()
    {
        var known = Snapshots.NewUid();
        var gone = Snapshots.NewUid();
        var lbs = new[]
        {
            Lb(1, LoadBalancerNaming.Name(known), "@k8s", "@k8s.ClusterID=c1", "@k8s.ServiceUID=" + known),
            Lb(2, LoadBalancerNaming.Name(gone), "@k8s", "@k8s.ClusterID=c1", "@k8s.ServiceUID=" + gone),
            Lb(3, "x", "@k8s", "@k8s.ClusterID=c2", "@k8s.ServiceUID=" + gone),
            Lb(4, "y", "@k8s"),
            Lb(5, "z", "@k8s.ClusterID=c1", "@k8s.ClusterID=c2"),
        };

        var result = OrphanRules.Classify("c1", new HashSet<string> { known }, lbs);

        Assert.Equal([(1L, false), (2L, true)], result.Select(r => (r.LoadBalancer.Id, r.Orphan)));
        Assert.Equal(gone, result[1].ServiceUid);
    }

    [Fact]
    public void Classify_WithoutUidTag_MatchesByName()
    {
        var known = Snapshots.NewUid();
        var lbs = new[] { Lb(1, LoadBalancerNaming.Name(known), "@k8s.ClusterID=c1"), Lb(2, "aother", "@k8s.ClusterID=c1") };

        var result = OrphanRules.Classify("c1", new HashSet<string> { known }, lbs);

        Assert.Equal([false, true], result.Select(r => r.Orphan));
    }
}
