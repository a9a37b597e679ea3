using SakuraLb.Functions.Teardown;
using SakuraLb.Reconcile.Observed;

namespace SakuraLb.Functions.Tests.Teardown;

public sealed class TeardownRulesTests
{
    private const string Me = "00000000000000000000000000000001";

    private static ObservedLoadBalancer Lb(long id, string description, params string[] tags) => new()
    {
        Id = id,
        Name = "lb" + id,
        Description = description,
        Tags = tags,
        Vips = [new ObservedVip { VirtualIPAddress = "203.0.113." + id, Port = "80" }, new ObservedVip { VirtualIPAddress = "203.0.113." + id, Port = "443" }],
    };

    private static readonly ObservedLoadBalancer[] Cloud =
    [
        Lb(5, "shop/cart", "@k8s.ClusterID=c1", "@k8s.ServiceUID=u5", "@k8s.Owner=" + Me),
        Lb(1, "free text here", "@k8s.ClusterID=c1", "@k8s.ServiceUID=u1", "@k8s.Owner=" + Me),
        Lb(2, "", "@k8s.ClusterID=c1", "@k8s.ServiceUID=u2"),
        Lb(3, "", "@k8s.ClusterID=c1", "@k8s.Owner=ffffffffffffffffffffffffffffffff"),
        Lb(4, "", "@k8s.ClusterID=c2", "@k8s.Owner=" + Me),
        Lb(6, "", "@k8s.ClusterID=c1", "@k8s.ClusterID=c2", "@k8s.Owner=" + Me),
    ];

    [Theory]
    [InlineData(true, false, "1:WouldDelete 2:Skipped 3:Skipped 5:WouldDelete")]
    [InlineData(false, false, "1:Deleting 2:Skipped 3:Skipped 5:Deleting")]
    [InlineData(true, true, "1:WouldDelete 2:WouldDelete 3:Skipped 5:WouldDelete")]
    public void Entries_ThisClustersLoadBalancersByID_OursToDelete_OthersSkippedWithTheReason(bool dryRun, bool adopt, string expected)
    {
        var entries = TeardownRules.Entries("c1", Me, adopt, dryRun, Cloud, new Dictionary<string, string> { ["u1"] = "default/web" });

        Assert.Equal(expected, string.Join(' ', entries.Select(e => $"{e.LoadBalancerId}:{e.Item.Action}")));
        Assert.All(entries, e => Assert.Equal(e.Item.Action == TeardownAction.Skipped, e.Item.Reason is not null));
    }

    [Fact]
    public void Entries_NameTheServiceFromTheRowsElseTheDescription_AndListTheVipsOnce()
    {
        var entries = TeardownRules.Entries("c1", Me, false, true, Cloud, new Dictionary<string, string> { ["u1"] = "default/web" });

        Assert.Equal(["default/web", null, null, "shop/cart"], entries.Select(e => e.Item.Service));
        Assert.Equal(["203.0.113.1"], entries[0].Item.Addresses);
        Assert.Equal(["u1", "u2", null, "u5"], entries.Select(e => e.ServiceUid));
        Assert.Contains("another installation", entries[2].Item.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_RoundTrips_AndCutsLongReasons()
    {
        TeardownItem Item(string id, TeardownAction action, string? reason = null) => new() { Id = id, Action = action, Reason = reason };
        var started = new[] { Item("1", TeardownAction.Deleting), Item("2", TeardownAction.Deleting), Item("3", TeardownAction.Skipped, "theirs"), Item("4", TeardownAction.Deleting) };
        var now = new[] { Item("1", TeardownAction.Deleted), Item("2", TeardownAction.Failed, new string('x', 500)), started[2], started[3] };

        var shown = TeardownProgress.Of(now).Apply(started);

        Assert.Equal([TeardownAction.Deleted, TeardownAction.Failed, TeardownAction.Skipped, TeardownAction.Deleting], shown.Select(i => i.Action));
        Assert.Equal(200, shown[1].Reason!.Length);
        Assert.Equal("theirs", shown[2].Reason);
    }
}
