using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class StatusBackstopTests
{
    private static readonly TimeSpan After = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceTracker tracker = new(new ControllerSettings { ClusterId = "c" });
    private readonly Dictionary<string, ServiceStatus> feed = new(StringComparer.Ordinal);
    private readonly StatusBackstop backstop = new(After);

    private void Track(string rv, int port = 80)
    {
        var service = Objects.Service(rv: rv).WithFinalizer();
        service.Spec.Ports[0].Port = port;
        tracker.Apply(WatchEventType.Modified, service);
    }

    private void Reflect(string rv, string? nodes = null) =>
        feed["uid-web"] = new ServiceStatus { Uid = "uid-web", Namespace = "default", Name = "web", ObservedResourceVersion = rv, ObservedNodeFingerprint = nodes };

    private BackstopResend Check(TimeSpan at, string? feedNodes = null) =>
        backstop.Check(tracker.ForwardableTracked(), feed.GetValueOrDefault, feed.Values, feedNodes, T0 + at);

    [Fact]
    public void UnreflectedService_IsResentOnceItsTimeIsUp_AndThenAtMostOncePerPeriod()
    {
        Track("10");
        Reflect("9");

        var early = Check(TimeSpan.Zero);
        var almost = Check(After - TimeSpan.FromSeconds(1));
        var due = Check(After);
        var soonAfter = Check(After + TimeSpan.FromSeconds(5));
        var again = Check(After * 2);

        Assert.Equal((true, true), (early.IsEmpty, almost.IsEmpty));
        Assert.Equal("10", Assert.Single(due.Services).ResourceVersion);
        Assert.True(soonAfter.IsEmpty);
        Assert.Single(again.Services);
    }

    [Fact]
    public void ServiceWithoutAnyStatus_IsResentWhenItsTimeIsUp()
    {
        Track("10");

        Check(TimeSpan.Zero);

        Assert.Single(Check(After).Services);
    }

    [Fact]
    public void StatusOfTheSameContentAtALaterVersion_ReflectsIt()
    {
        // The relay's own writes (finalizer, ingress) move the version without changing the content.
        Track("10");
        Track("11");
        Reflect("10");

        Check(TimeSpan.Zero);

        Assert.True(Check(After * 2).IsEmpty);
    }

    [Fact]
    public void ReflectedBeforeTheTimeIsUp_IsNotResent_AndANewChangeStartsANewClock()
    {
        Track("10");
        Check(TimeSpan.Zero);
        Reflect("10");
        Assert.True(Check(After).IsEmpty);

        Track("12", port: 81);
        var fresh = Check(After + TimeSpan.FromSeconds(1));
        var due = Check(After * 2 + TimeSpan.FromSeconds(1));

        Assert.True(fresh.IsEmpty);
        Assert.Equal("12", Assert.Single(due.Services).ResourceVersion);
    }

    [Fact]
    public void StatusFromAnotherNodeSet_ResendsTheNodeSetOnceItsTimeIsUp()
    {
        Track("10");
        Reflect("10", nodes: "old");

        var early = Check(TimeSpan.Zero, feedNodes: "new");
        var due = Check(After, feedNodes: "new");
        var soonAfter = Check(After + TimeSpan.FromSeconds(1), feedNodes: "new");

        Assert.False(early.Nodes);
        Assert.Equal((true, false), (due.Nodes, due.Services.Count > 0));
        Assert.False(soonAfter.Nodes);
    }

    [Theory]
    [InlineData("same", "same")]
    [InlineData(null, "new")]
    [InlineData("old", null)]
    public void NodeSetReflected_OrNotConcerningTheService_OrNotReported_IsNotResent(string? observed, string? feedNodes)
    {
        Track("10");
        Reflect("10", nodes: observed);

        Check(TimeSpan.Zero, feedNodes);

        Assert.False(Check(After * 3, feedNodes).Nodes);
    }
}
