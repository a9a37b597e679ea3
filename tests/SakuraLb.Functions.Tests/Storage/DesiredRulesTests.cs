using SakuraLb.Functions.Storage;
using SakuraLb.Model;

namespace SakuraLb.Functions.Tests.Storage;

public sealed class DesiredRulesTests
{
    private static ServiceSnapshot Svc(string rv, bool deleted = false) =>
        new() { Uid = "u", Namespace = "n", Name = "s", ResourceVersion = rv, Type = "LoadBalancer", LoadBalancerClass = "x", Deleted = deleted };

    [Theory]
    [InlineData("5", "6", false, true)]
    [InlineData("6", "5", false, false)]
    [InlineData("6", "6", false, false)]
    [InlineData("6", "", true, true)]
    public void ShouldReplace_Table(string stored, string candidate, bool tombstone, bool expected) =>
        Assert.Equal(expected, DesiredRules.ShouldReplace(Svc(stored), Svc(candidate, tombstone)));

    [Theory]
    [InlineData("6", false, "6", false, true)]
    [InlineData("6", false, "5", false, false)]
    [InlineData("6", true, "", true, true)]
    [InlineData("6", true, "6", false, false)]
    public void IsResend_SameSnapshotAgain_NotAnOlderOne(string stored, bool storedDeleted, string candidate, bool candidateDeleted, bool expected) =>
        Assert.Equal(expected, DesiredRules.IsResend(Svc(stored, storedDeleted), Svc(candidate, candidateDeleted)));

    [Fact]
    public void ShouldReplace_LiveAfterTombstone_IsRefused() =>
        Assert.False(DesiredRules.ShouldReplace(Svc("5", deleted: true), Svc("9")));

    [Fact]
    public void Merge_Tombstone_KeepsTheStoredSpec()
    {
        var merged = DesiredRules.Merge(Svc("5"), new ServiceSnapshot { Uid = "u", Deleted = true });

        Assert.True(merged.Deleted);
        Assert.Equal(("x", "LoadBalancer", "s", "5"), (merged.LoadBalancerClass, merged.Type, merged.Name, merged.ResourceVersion));
    }
}
