using CsCheck;

namespace SakuraLb.Reconcile.Tests.Nodes;

public sealed class RealServerDrainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    [Fact]
    public void LeavingServers_AreDisabledFirst_AndDueTogether()
    {
        var decision = RealServerDrain.Decide(["a"], ["a", "b", "c"], [], T0, Period);

        Assert.Equal(["a"], decision.Enabled);
        Assert.Equal([new DrainingServer("b", T0), new DrainingServer("c", T0)], decision.Draining);
        Assert.Empty(decision.Removed);
        Assert.Equal(T0 + Period, decision.WakeAt);
    }

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    [InlineData(90, true)]
    public void DrainingServer_IsRemovedOnlyAfterThePeriod(int secondsLater, bool removed)
    {
        var decision = RealServerDrain.Decide(["a"], ["a", "b"], [new DrainingServer("b", T0)], T0.AddSeconds(secondsLater), Period);

        Assert.Equal(removed, decision.Removed.Contains("b"));
        Assert.Equal(!removed, decision.Draining.Any(d => d.Address == "b" && d.Since == T0));
    }

    [Fact]
    public void ServerWantedAgainWhileDraining_IsEnabledNotRemoved()
    {
        var decision = RealServerDrain.Decide(["a", "b"], ["a", "b"], [new DrainingServer("b", T0)], T0.AddSeconds(10), Period);

        Assert.Equal(["a", "b"], decision.Enabled);
        Assert.Empty(decision.Draining);
        Assert.Empty(decision.Removed);
        Assert.Null(decision.WakeAt);
    }

    [Fact]
    public void ZeroPeriod_RemovesAtOnce()
    {
        var decision = RealServerDrain.Decide(["a"], ["a", "b"], [], T0, TimeSpan.Zero);

        Assert.Equal(["b"], decision.Removed);
        Assert.Empty(decision.Draining);
    }

    [Fact]
    public void LostState_StartsTheDrainNow_NeverRemovesEarly()
    {
        var decision = RealServerDrain.Decide([], ["b"], [], T0, Period);

        Assert.Equal([new DrainingServer("b", T0)], decision.Draining);
        Assert.Empty(decision.Removed);
    }

    /// <summary>
    /// Over any sequence of wanted sets and clock steps, applying each decision to the load balancer: a server leaves
    /// the load balancer only after it was written disabled for the whole period (unless the period is zero), and every
    /// wanted server is enabled.
    /// </summary>
    [Fact]
    public void Property_NoServerIsRemovedWithoutBeingDisabledForThePeriod()
    {
        var gen =
            from period in Gen.Frequency((1, Gen.Const(0)), (4, Gen.Int[1, 60]))
            from steps in Gen.Select(Gen.Int[0, 5].Array[0, 5], Gen.Int[0, 40]).Array[1, 30]
            select (period, steps);
        gen.Sample(t =>
        {
            var period = TimeSpan.FromSeconds(t.period);
            var now = T0;
            var enabled = new HashSet<string>(StringComparer.Ordinal);
            var disabledSince = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            IReadOnlyList<DrainingServer> state = [];
            foreach (var (wantedIndexes, advance) in t.steps)
            {
                now = now.AddSeconds(advance);
                var wanted = wantedIndexes.Select(i => $"10.0.0.{i}").Distinct().ToArray();
                var current = enabled.Concat(disabledSince.Keys).ToArray();

                var decision = RealServerDrain.Decide(wanted, current, state, now, period);

                foreach (var gone in current.Except(decision.Enabled).Except(decision.Draining.Select(d => d.Address)))
                {
                    Assert.True(
                        period == TimeSpan.Zero || (disabledSince.TryGetValue(gone, out var since) && now - since >= period),
                        $"{gone} was removed without {period} disabled first");
                }

                Assert.Equal(wanted.Order(StringComparer.Ordinal), decision.Enabled);
                enabled = [.. decision.Enabled];
                disabledSince = decision.Draining.ToDictionary(d => d.Address, d => disabledSince.GetValueOrDefault(d.Address, now), StringComparer.Ordinal);
                state = decision.Draining;
            }
        });
    }
}
