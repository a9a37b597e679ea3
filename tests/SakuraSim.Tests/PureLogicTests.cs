using SakuraSim.Faults;
using SakuraSim.Lifecycle;
using SakuraSim.Model;

namespace SakuraSim.Tests;

/// <summary>Table tests of the simulator's pure pieces (globs, addresses, lifecycle arithmetic).</summary>
public sealed class PureLogicTests
{
    [Theory]
    [InlineData("/internet*", "/internet", true)]
    [InlineData("/internet*", "/internet/123", true)]
    [InlineData("/internet*", "/server", false)]
    [InlineData("/appliance/*/config", "/appliance/113200000009/config", true)]
    [InlineData("/appliance/*/config", "/appliance/113200000009/power", false)]
    [InlineData("/appliance/?", "/appliance/1", true)]
    [InlineData("/appliance/?", "/appliance/12", false)]
    [InlineData("*", "/anything/at/all", true)]
    [InlineData("/server", "/server/1", false)]
    [InlineData("/Server", "/server", false)]
    public void Glob_IsMatch(string pattern, string path, bool expected) => Assert.Equal(expected, Glob.IsMatch(pattern, path));

    [Theory]
    [InlineData("203.0.113.96", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("256.0.0.1", false)]
    [InlineData("1.2.3", false)]
    [InlineData("1.2.3.4.5", false)]
    [InlineData("1.2.3.-4", false)]
    [InlineData("1.2.3.4 ", false)]
    [InlineData("", false)]
    public void Ipv4_TryParse_IsStrict(string text, bool expected) => Assert.Equal(expected, Ipv4.TryParse(text, out _));

    [Theory]
    [InlineData("203.0.113.96", 28, "203.0.113.100", "203.0.113.110")]
    [InlineData("203.0.113.0", 26, "203.0.113.4", "203.0.113.62")]
    [InlineData("198.51.100.0", 24, "198.51.100.4", "198.51.100.254")]
    [InlineData("192.0.2.8", 29, "192.0.2.12", "192.0.2.14")]
    public void RouterSubnet_AssignableRange_SkipsFourFirstAndBroadcast(string network, int mask, string min, string max)
    {
        var subnet = new RouterSubnet(1, new Ipv4Block(Ipv4.Parse(network), mask));

        Assert.Equal(min, subnet.AssignableMin.ToString());
        Assert.Equal(max, subnet.AssignableMax.ToString());
        Assert.Equal("default gateway", subnet.ReservedRole(Ipv4.Parse(network).Add(1)));
        Assert.Null(subnet.ReservedRole(Ipv4.Parse(min)));
    }

    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "Migrating")]
    [InlineData(29.9, "Migrating")]
    [InlineData(30, "Booting")]
    [InlineData(74.9, "Booting")]
    [InlineData(75, "Up")]
    [InlineData(100_000, "Up")]
    public void Lifecycle_At_FollowsTheTimeline(double seconds, string expected)
    {
        var timings = new LifecycleTimings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
        var lifecycle = ApplianceLifecycle.Start(T0, T0, observed: true, LifecycleTimings.CreatePlan(timings, CreationOutcome.Up));

        Assert.Equal(Enum.Parse<AppliancePhase>(expected), lifecycle.At(T0.AddSeconds(seconds)).Phase);
    }

    [Fact]
    public void Lifecycle_ZeroLengthPhases_AreEachObservedOnce()
    {
        var instant = new LifecycleTimings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(10), TimeSpan.Zero).Scaled(0);
        var lifecycle = ApplianceLifecycle.Start(T0, T0, observed: false, LifecycleTimings.CreatePlan(instant, CreationOutcome.Up));

        var seen = new List<AppliancePhase>();
        for (var i = 0; i < 4; i++)
        {
            lifecycle = lifecycle.Observe(T0);
            seen.Add(lifecycle.Phase);
        }

        Assert.Equal([AppliancePhase.Migrating, AppliancePhase.Booting, AppliancePhase.Up, AppliancePhase.Up], seen);
        // Peeking never consumes a step.
        var fresh = ApplianceLifecycle.Start(T0, T0, observed: false, LifecycleTimings.CreatePlan(instant, CreationOutcome.Up));
        Assert.Equal(AppliancePhase.Migrating, fresh.At(T0).At(T0).Phase);
    }

    [Theory]
    [InlineData("Failed", "Failed", "failed", "down")]
    [InlineData("PoweredOff", "Down", "available", "down")]
    [InlineData("Up", "Up", "available", "up")]
    public void Lifecycle_CreationOutcome_DecidesTheFinalState(string outcome, string phase, string availability, string status)
    {
        var timings = new LifecycleTimings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.Zero);
        var end = ApplianceLifecycle.Start(T0, T0, observed: true, LifecycleTimings.CreatePlan(timings, Enum.Parse<CreationOutcome>(outcome))).At(T0.AddHours(1));

        Assert.Equal(Enum.Parse<AppliancePhase>(phase), end.Phase);
        Assert.Equal(availability, end.Availability);
        Assert.Equal(status, end.InstanceStatus);
    }

    [Fact]
    public void Lifecycle_StatusChangedAt_IsWhenTheInstanceStatusChanged()
    {
        var timings = new LifecycleTimings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(10), TimeSpan.Zero);
        var up = ApplianceLifecycle.Start(T0, T0, observed: true, LifecycleTimings.CreatePlan(timings, CreationOutcome.Up)).At(T0.AddMinutes(5));

        Assert.Equal(T0.AddSeconds(75), up.StatusChangedAt);
        var cleaning = up.Then(T0.AddMinutes(6), LifecycleTimings.ShutdownPlan(timings));
        Assert.Equal(T0.AddMinutes(6), cleaning.StatusChangedAt);
        Assert.Equal(T0.AddMinutes(6).AddSeconds(10), cleaning.At(T0.AddHours(1)).StatusChangedAt);
    }
}
