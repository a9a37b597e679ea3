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

    [Theory]
    [InlineData("6", "10", "6", "11", true)]
    [InlineData("6", "11", "6", "10", false)]
    [InlineData("6", "11", "6", "11", false)]
    [InlineData("6", null, "6", "11", true)]
    [InlineData("6", "11", "6", null, false)]
    [InlineData("7", "20", "6", "30", false)]
    [InlineData("6", "30", "7", "20", true)]
    public void ShouldReplace_SameServiceVersion_NewerEndpointsRevisionWins(string storedRv, string? storedEndpoints, string candidateRv, string? candidateEndpoints, bool expected) =>
        Assert.Equal(expected, DesiredRules.ShouldReplace(WithEndpoints(storedRv, storedEndpoints), WithEndpoints(candidateRv, candidateEndpoints)));

    [Theory]
    [InlineData("11", "11", true)]
    [InlineData("11", "12", false)]
    [InlineData(null, "12", false)]
    public void IsResend_SameServiceVersion_OnlyWithTheSameEndpointsRevision(string? stored, string? candidate, bool expected) =>
        Assert.Equal(expected, DesiredRules.IsResend(WithEndpoints("6", stored), WithEndpoints("6", candidate)));

    private static ServiceSnapshot WithEndpoints(string rv, string? revision) =>
        Svc(rv) with { ExternalTrafficPolicy = "Local", Endpoints = revision is null ? null : new ServiceEndpoints { Revision = revision, ReadyNodes = ["w1"] } };

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
