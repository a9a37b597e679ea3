using SakuraLb.Reconcile.Status;

namespace SakuraLb.Reconcile.Tests.Status;

public sealed class StatusFeedBuilderTests
{
    private static ServiceStatus Status(string uid, ServicePhase phase) =>
        new() { Uid = uid, Namespace = "default", Name = uid, Phase = phase, UpdatedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void Build_SameContentInAnyOrder_SameETag()
    {
        var first = StatusFeedBuilder.Build("c", [Status("a", ServicePhase.Ready), Status("b", ServicePhase.Provisioning)]);
        var second = StatusFeedBuilder.Build("c", [Status("b", ServicePhase.Provisioning), Status("a", ServicePhase.Ready)]);

        Assert.Equal(first.ETag, second.ETag);
        Assert.StartsWith("\"", first.ETag, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PhaseChange_ChangesETag() =>
        Assert.NotEqual(
            StatusFeedBuilder.Build("c", [Status("a", ServicePhase.Provisioning)]).ETag,
            StatusFeedBuilder.Build("c", [Status("a", ServicePhase.Ready)]).ETag);

    [Theory]
    [InlineData("\"abc\"", true)]
    [InlineData("W/\"abc\"", true)]
    [InlineData("\"x\", \"abc\"", true)]
    [InlineData("*", true)]
    [InlineData("\"abd\"", false)]
    [InlineData("abc", false)]
    [InlineData(null, false)]
    public void Matches_IfNoneMatchForms(string? header, bool expected) =>
        Assert.Equal(expected, StatusFeedBuilder.Matches(header, "\"abc\""));
}
