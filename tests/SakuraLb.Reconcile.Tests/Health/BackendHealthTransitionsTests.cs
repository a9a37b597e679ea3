using SakuraLb.Reconcile.Health;

namespace SakuraLb.Reconcile.Tests.Health;

public sealed class BackendHealthTransitionsTests
{
    private const string A = "203.0.113.100";
    private const string B = "203.0.113.101";
    private const string C = "203.0.113.102";
    private const string Vip = "203.0.113.120";

    private static readonly DateTimeOffset T0 = new(2026, 8, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private static readonly HealthContext Nodes = new(
        new Dictionary<string, string> { [A] = "worker01", [B] = "worker02", [C] = "worker03" },
        new HashSet<(string, int)>());

    private static RealServerHealth Server(string address, bool up, int port = 80, int conn = 0, int cps = 0) => new(address, port, up, conn, cps);

    private static VipHealth Port(int port, params RealServerHealth[] servers) => new(Vip, port, null, servers);

    private static IReadOnlyList<VipHealth> Read(params VipHealth[] vips) => vips;

    private static BackendHealth Eval(BackendHealth? previous, IReadOnlyList<VipHealth> read, DateTimeOffset at, HealthContext? context = null) =>
        BackendHealthTransitions.Evaluate(previous, read, at, context ?? Nodes, Retention);

    private static IEnumerable<HealthEvent> New(BackendHealth? before, BackendHealth after) =>
        after.Events.Where(e => before?.Events.Contains(e) != true);

    [Fact]
    public void Evaluate_FirstReadAllUp_RecordsNoEventAndATrueCondition()
    {
        var health = Eval(null, Read(Port(80, Server(A, true), Server(B, true), Server(C, true))), T0);

        Assert.Empty(health.Events);
        Assert.Equal(new StatusCondition("BackendsHealthy", "True", "AllRealServersUp", "3/3 real servers up on port 80"), health.Condition);
        Assert.All(health.Servers, s => Assert.Equal(T0, s.Since));
        Assert.Equal(["worker01", "worker02", "worker03"], health.Servers.Select(s => s.Node));
    }

    [Fact]
    public void Evaluate_UnchangedRead_RecordsNoNewEventAndKeepsSince()
    {
        var first = Eval(null, Read(Port(80, Server(A, true), Server(B, false))), T0);

        var second = Eval(first, Read(Port(80, Server(A, true), Server(B, false))), T0.AddMinutes(1));

        Assert.Empty(New(first, second));
        Assert.All(second.Servers, s => Assert.Equal(T0, s.Since));
        Assert.Equal(first.Condition, second.Condition);
    }

    [Fact]
    public void Evaluate_ServerGoesDown_RecordsOneWarningNamingNodeAddressPortsAndHowLong()
    {
        var first = Eval(null, Read(Port(80, Server(A, true), Server(B, true)), Port(443, Server(A, true, 443), Server(B, true, 443))), T0);

        var second = Eval(first, Read(Port(80, Server(A, true), Server(B, false)), Port(443, Server(A, true, 443), Server(B, false, 443))), T0.AddSeconds(45));

        var down = Assert.Single(New(first, second));
        Assert.Equal(("Warning", "RealServerDown"), (down.Type, down.Reason));
        Assert.Contains("worker02 (203.0.113.101)", down.Message, StringComparison.Ordinal);
        Assert.Contains("ports 80, 443", down.Message, StringComparison.Ordinal);
        Assert.Contains("for at most 45s", down.Message, StringComparison.Ordinal);
        Assert.Equal(new StatusCondition("BackendsHealthy", "False", "RealServersDown", "1/2 real servers up on port 80 (down: worker02); 1/2 real servers up on port 443 (down: worker02)"), second.Condition);
        Assert.Equal(T0.AddSeconds(45), second.Servers.Single(s => s.Address == B && s.Port == 80).Since);
    }

    [Fact]
    public void Evaluate_ServerComesBack_RecordsNormalUpWithTheDownDuration()
    {
        var first = Eval(null, Read(Port(80, Server(A, true), Server(B, true))), T0);
        var down = Eval(first, Read(Port(80, Server(A, true), Server(B, false))), T0.AddMinutes(1));
        var still = Eval(down, Read(Port(80, Server(A, true), Server(B, false))), T0.AddMinutes(3));

        var up = Eval(still, Read(Port(80, Server(A, true), Server(B, true))), T0.AddMinutes(5).AddSeconds(10));

        var e = Assert.Single(New(still, up));
        Assert.Equal(("Normal", "RealServerUp"), (e.Type, e.Reason));
        Assert.Contains("worker02 (203.0.113.101) is UP again on port 80 after 4m10s DOWN", e.Message, StringComparison.Ordinal);
        Assert.Equal("True", up.Condition!.Status);
    }

    [Fact]
    public void Evaluate_EveryServerOfAPortDown_AddsAllRealServersDownOnce()
    {
        var first = Eval(null, Read(Port(80, Server(A, true), Server(B, true))), T0);

        var down = Eval(first, Read(Port(80, Server(A, false), Server(B, false))), T0.AddMinutes(1));
        var again = Eval(down, Read(Port(80, Server(A, false), Server(B, false))), T0.AddMinutes(2));

        var events = New(first, down).ToList();
        Assert.Equal(["RealServerDown", "RealServerDown", "AllRealServersDown"], events.Select(e => e.Reason));
        Assert.Contains("All 2 real servers on port 80 are DOWN", events[^1].Message, StringComparison.Ordinal);
        Assert.Contains("203.0.113.120:80", events[^1].Message, StringComparison.Ordinal);
        Assert.Equal(("False", "AllRealServersDown"), (down.Condition!.Status, down.Condition.Reason));
        Assert.Empty(New(down, again));
    }

    [Fact]
    public void Evaluate_ServerFirstReadDown_IsATransition()
    {
        var first = Eval(null, Read(Port(80, Server(A, true))), T0);

        var added = Eval(first, Read(Port(80, Server(A, true), Server(C, false))), T0.AddMinutes(1));

        var e = Assert.Single(New(first, added));
        Assert.Equal("RealServerDown", e.Reason);
        Assert.Contains("worker03 (203.0.113.102)", e.Message, StringComparison.Ordinal);
        Assert.Contains("the first read of it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AddressWithoutNode_SaysSo()
    {
        var health = Eval(null, Read(Port(80, Server("198.51.100.9", false))), T0, HealthContext.Empty);

        Assert.Contains(health.Events, e => e.Message.Contains("198.51.100.9 (no Node has this address)", StringComparison.Ordinal));
        Assert.Null(Assert.Single(health.Servers).Node);
    }

    [Fact]
    public void Evaluate_DisabledServer_IsNeitherCountedNorReported()
    {
        var drained = new HealthContext(Nodes.NodeByAddress, new HashSet<(string, int)> { (B, 80) });
        var first = Eval(null, Read(Port(80, Server(A, true), Server(B, true))), T0, drained);

        var second = Eval(first, Read(Port(80, Server(A, true), Server(B, false))), T0.AddMinutes(1), drained);

        Assert.Empty(New(first, second));
        Assert.Equal(new StatusCondition("BackendsHealthy", "True", "AllRealServersUp", "1/1 real servers up on port 80 (1 disabled)"), second.Condition);
        Assert.False(second.Servers.Single(s => s.Address == B).Enabled);
    }

    [Fact]
    public void Evaluate_EverythingDisabledOrEmpty_IsUnknown()
    {
        Assert.Equal(("Unknown", "NoRealServers"), (Eval(null, Read(Port(80)), T0).Condition!.Status, Eval(null, Read(Port(80)), T0).Condition!.Reason));
        var drained = new HealthContext(Nodes.NodeByAddress, new HashSet<(string, int)> { (A, 80) });
        Assert.Equal("Unknown", Eval(null, Read(Port(80, Server(A, false))), T0, drained).Condition!.Status);
    }

    [Fact]
    public void Evaluate_LoadPerPort_SumsServersOrTakesTheVipsCps()
    {
        var health = Eval(null, Read(Port(80, Server(A, true, 80, 3, 10), Server(B, true, 80, 4, 5)), new VipHealth(Vip, 443, 7, [Server(A, true, 443, 1, 2)])), T0);

        Assert.Equal([new PortLoad(80, 7, 15), new PortLoad(443, 1, 7)], health.Ports);
        Assert.Equal((3, 10), health.Servers.Where(s => s.Address == A && s.Port == 80).Select(s => (s.ActiveConnections, s.ConnectionsPerSecond)).Single());
    }

    [Fact]
    public void Evaluate_OldEvents_AreDroppedAfterTheRetentionAndBounded()
    {
        BackendHealth? health = null;
        for (var i = 0; i < 30; i++)
        {
            health = Eval(health, Read(Port(80, Server(A, i % 2 == 0))), T0.AddSeconds(i));
        }

        Assert.Equal(BackendHealthTransitions.MaxEvents, health!.Events.Count);
        var later = Eval(health, Read(Port(80, Server(A, false))), T0.AddMinutes(20));
        Assert.Empty(later.Events);
    }

    [Fact]
    public void Evaluate_EventIds_AreDistinctPerTransition()
    {
        BackendHealth? health = null;
        for (var i = 0; i < 6; i++)
        {
            health = Eval(health, Read(Port(80, Server(A, i % 2 == 0), Server(B, i % 2 == 1))), T0.AddSeconds(i));
        }

        Assert.Equal(health!.Events.Count, health.Events.Select(e => e.Id).Distinct().Count());
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(250, "4m10s")]
    [InlineData(7380, "2h3m")]
    [InlineData(273600, "3d4h")]
    public void Duration_IsShortAndReadable(int seconds, string expected) =>
        Assert.Equal(expected, BackendHealthTransitions.Duration(TimeSpan.FromSeconds(seconds)));
}
