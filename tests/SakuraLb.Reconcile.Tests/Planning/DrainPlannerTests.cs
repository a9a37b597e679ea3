using CsCheck;
using SakuraLb.Reconcile.Annotations;
using static SakuraLb.Reconcile.Tests.Fixtures;
using static SakuraLb.Reconcile.Tests.Planning.PlanningFixtures;

namespace SakuraLb.Reconcile.Tests.Planning;

/// <summary>The planner's graceful drain: leaving real servers are written disabled, then removed after the Service's period.</summary>
public sealed class DrainPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Ipv4Address Worker1 = Ip("203.0.113.104");
    private static readonly Ipv4Address Worker2 = Ip("203.0.113.105");
    private static readonly Ipv4Address Worker3 = Ip("203.0.113.106");
    private static readonly Ipv4Address Worker4 = Ip("203.0.113.107");

    /// <summary>The fixture Service with a drain of <paramref name="seconds"/>, its real servers the workers <paramref name="workers"/> selects (bit i = worker i+1).</summary>
    private static DesiredLoadBalancer Desired(int workers, string seconds = "30")
    {
        var (nodes, servers) = Workers(4);
        var chosen = Enumerable.Range(0, 4).Where(i => (workers & (1 << i)) != 0).ToList();
        var context = new BuildContext { Routers = [Router], Nodes = [.. chosen.Select(i => nodes[i])], Servers = [.. chosen.Select(i => servers[i])] };
        var service = Service(new Dictionary<string, string> { [LoadBalancerAnnotations.DrainSeconds.Key] = seconds });
        var result = DesiredLoadBalancerBuilder.Build(service, Settings, context);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Desired!;
    }

    private static Plan Plan(CloudModel cloud, DesiredLoadBalancer desired, IReadOnlyList<DrainingServer> draining, DateTimeOffset now) =>
        Planner.Plan(cloud.Input(ServiceIntent.Ensure, Uid, desired, Settings) with { Draining = draining, Now = now });

    /// <summary>The real servers of the (single-port) appliance as (address, enabled), ascending.</summary>
    private static List<(Ipv4Address Address, bool Enabled)> Servers(CloudModel cloud) =>
        [.. Assert.Single(Assert.Single(cloud.LoadBalancers).Vips).Servers
            .Select(s => (Ip(s.IPAddress!), SettingsComparer.ParseFlag(s.Enabled) == true))
            .OrderBy(s => s.Item1)];

    private static List<(Ipv4Address Address, bool Enabled)> Written(Plan plan) =>
        [.. Assert.Single(plan.Steps.OfType<UpdateSettings>().Single().Settings).Servers.Select(s => (s.IPAddress, s.Enabled))];

    [Fact]
    public void NodeLeaving_IsWrittenDisabled_ThenRemovedAfterThePeriod()
    {
        var cloud = Converged(Desired(0b011));

        var disable = Plan(cloud, Desired(0b001), [], T0);
        Assert.Equal(["UpdateSettings", "ApplyConfig"], Kinds(disable));
        Assert.Equal([(Worker1, true), (Worker2, false)], Written(disable));
        Assert.Equal([new DrainingServer(Worker2.ToString(), T0)], disable.Drain!.Draining);
        Assert.Equal(T0.AddSeconds(30), disable.Drain.WakeAt);
        cloud.Apply(disable);

        var during = Plan(cloud, Desired(0b001), disable.Drain.Draining, T0.AddSeconds(29));
        Assert.Empty(during.Steps);
        Assert.Equal(T0.AddSeconds(30), during.Drain!.WakeAt);
        Assert.Contains("1 draining", during.Outcome.Message, StringComparison.Ordinal);

        var remove = Plan(cloud, Desired(0b001), during.Drain.Draining, T0.AddSeconds(30));
        Assert.Equal(["UpdateSettings", "ApplyConfig"], Kinds(remove));
        Assert.Equal([(Worker1, true)], Written(remove));
        Assert.Equal([Worker2.ToString()], remove.Drain!.Removed);
        Assert.Null(remove.Drain.WakeAt);
        cloud.Apply(remove);
        Assert.Empty(Plan(cloud, Desired(0b001), remove.Drain.Draining, T0.AddSeconds(31)).Steps);
    }

    [Fact]
    public void NodeBackDuringItsDrain_IsEnabledAgain_NotRemovedAndReadded()
    {
        var cloud = Converged(Desired(0b011));
        var disable = Plan(cloud, Desired(0b001), [], T0);
        cloud.Apply(disable);

        var back = Plan(cloud, Desired(0b011), disable.Drain!.Draining, T0.AddSeconds(10));

        Assert.Equal([(Worker1, true), (Worker2, true)], Written(back));
        Assert.Empty(back.Drain!.Draining);
        Assert.Empty(back.Drain.Removed);
        Assert.Null(back.Drain.WakeAt);
    }

    [Fact]
    public void TwoNodesLeavingTogether_ShareOneDisableWrite_AndOneRemovalWrite()
    {
        var cloud = Converged(Desired(0b111));

        var disable = Plan(cloud, Desired(0b001), [], T0);
        Assert.Equal([(Worker1, true), (Worker2, false), (Worker3, false)], Written(disable));
        cloud.Apply(disable);

        var remove = Plan(cloud, Desired(0b001), disable.Drain!.Draining, T0.AddSeconds(30));
        Assert.Equal([(Worker1, true)], Written(remove));
        Assert.Equal([Worker2.ToString(), Worker3.ToString()], remove.Drain!.Removed);
    }

    [Fact]
    public void DrainZero_RemovesAtOnce_AsBefore()
    {
        var cloud = Converged(Desired(0b011, "0"));

        var plan = Plan(cloud, Desired(0b001, "0"), [], T0);

        Assert.Equal([(Worker1, true)], Written(plan));
        Assert.Null(plan.Drain!.WakeAt);
    }

    [Fact]
    public void LostDrainState_ADisabledLeavingServer_StartsItsDrainNow_AndIsNotRemoved()
    {
        var cloud = Converged(Desired(0b011));
        cloud.Apply(Plan(cloud, Desired(0b001), [], T0));

        // The state is lost (a new reconcile instance, or the resync's drift check) an hour later.
        var plan = Plan(cloud, Desired(0b001), [], T0.AddHours(1));

        Assert.Empty(plan.Steps);
        Assert.Equal([new DrainingServer(Worker2.ToString(), T0.AddHours(1))], plan.Drain!.Draining);
        Assert.Equal(T0.AddHours(1).AddSeconds(30), plan.Drain.WakeAt);
    }

    [Fact]
    public void DisabledServerWanted_IsEnabled()
    {
        var cloud = Converged(Desired(0b011));
        cloud.Apply(Plan(cloud, Desired(0b001), [], T0));

        var plan = Plan(cloud, Desired(0b011), [], T0.AddSeconds(5));

        Assert.Equal([(Worker1, true), (Worker2, true)], Written(plan));
    }

    [Fact]
    public void DrainOfAServerNoLongerOnTheLoadBalancer_IsForgotten()
    {
        var cloud = Converged(Desired(0b001));

        var plan = Plan(cloud, Desired(0b001), [new DrainingServer(Worker2.ToString(), T0)], T0.AddSeconds(5));

        Assert.Empty(plan.Steps);
        Assert.Empty(plan.Drain!.Draining);
        Assert.Null(plan.Drain.WakeAt);
    }

    [Fact]
    public void DrainingServersOverThePerVipLimit_TheLongestDrainedGoFirst()
    {
        var settings = Settings with { MaxServersPerVip = 3 };
        Plan PlanWith(CloudModel cloud, int workers, IReadOnlyList<DrainingServer> draining, DateTimeOffset now) =>
            Planner.Plan(cloud.Input(ServiceIntent.Ensure, Uid, Desired(workers), settings) with { Draining = draining, Now = now });
        var cloud = Converged(Desired(0b0111));
        var first = PlanWith(cloud, 0b0110, [], T0);
        cloud.Apply(first);
        Assert.Equal([(Worker1, false), (Worker2, true), (Worker3, true)], Written(first));

        // Worker 2 leaves and worker 4 joins: room for one drained server beside the two that serve.
        var plan = PlanWith(cloud, 0b1100, first.Drain!.Draining, T0.AddSeconds(5));

        Assert.Equal([(Worker2, false), (Worker3, true), (Worker4, true)], Written(plan));
        Assert.Equal([Worker1.ToString()], plan.Drain!.Removed);
        Assert.Equal([new DrainingServer(Worker2.ToString(), T0.AddSeconds(5))], plan.Drain.Draining);
        Assert.Equal(T0.AddSeconds(35), plan.Drain.WakeAt);
    }

    [Fact]
    public void NewLoadBalancer_IsCreatedWithItsRealServersEnabled_AndNoDrain()
    {
        var plan = Plan(new CloudModel(), Desired(0b011), [new DrainingServer(Worker3.ToString(), T0)], T0);

        var create = plan.Steps.OfType<CreateLoadBalancer>().Single().Spec;
        Assert.All(Assert.Single(create.Settings).Servers, s => Assert.True(s.Enabled));
        Assert.Equal(2, create.Settings[0].Servers.Count);
        Assert.Null(plan.Drain);
    }

    /// <summary>
    /// A new node's first seconds (NotReady, still carrying the uninitialized taint, then Ready and initialised) change
    /// neither its real server nor the eligible-node fingerprint that starts reconciles: it cannot flap in and out.
    /// </summary>
    [Fact]
    public void NewNodesFirstSeconds_ReadinessAndTheUninitializedTaint_ChangeNothing()
    {
        var (nodes, servers) = Workers(3);
        var joining = nodes[2] with { Ready = false, Taints = [new NodeTaintSnapshot { Key = WellKnown.UninitializedTaint, Effect = "NoSchedule" }] };
        var ready = nodes[2] with { Ready = true };
        DesiredLoadBalancer Build(NodeSnapshot third) =>
            DesiredLoadBalancerBuilder.Build(Service(), Settings, new BuildContext { Routers = [Router], Nodes = [nodes[0], nodes[1], third], Servers = servers }).Desired!;
        NodeSetSnapshot Set(NodeSnapshot third) => new() { ResourceVersion = "1", Complete = true, Nodes = [nodes[0], nodes[1], third] };

        Assert.Equal(Build(ready).RealServers, Build(joining).RealServers);
        Assert.Equal(3, Build(joining).RealServers.Count);
        Assert.Equal(NodeFingerprint.Eligible(Set(ready)), NodeFingerprint.Eligible(Set(joining)));
    }

    /// <summary>
    /// Over any sequence of real-server sets (workers joining, leaving, coming back) and clock steps, with each plan
    /// applied to the cloud and its drain carried to the next plan (or lost now and then): a server leaves the load
    /// balancer only after it was on it disabled for the whole drain period, unless the period is zero; every wanted
    /// server is enabled once the plan ran, and a plan with no steps leaves nothing to write.
    /// </summary>
    [Fact]
    public void Property_NoRealServerIsRemovedBeforeItWasDisabledForTheDrainPeriod()
    {
        var gen =
            from seconds in Gen.Frequency((1, Gen.Const(0)), (4, Gen.Int[1, 60]))
            from steps in Gen.Select(Gen.Int[1, 15], Gen.Int[0, 40], Gen.Int[0, 9]).Array[1, 20]
            select (seconds, steps);
        gen.Sample(t =>
        {
            var period = TimeSpan.FromSeconds(t.seconds);
            var drain = t.seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var cloud = Converged(Desired(0b1111, drain));
            var now = T0;
            IReadOnlyList<DrainingServer> state = [];
            var disabledSince = new Dictionary<Ipv4Address, DateTimeOffset>();
            foreach (var (workers, advance, loseState) in t.steps)
            {
                now = now.AddSeconds(advance);
                var desired = Desired(workers, drain);
                var before = Servers(cloud);
                var plan = Plan(cloud, desired, loseState == 0 ? [] : state, now);
                cloud.Apply(plan);
                state = plan.Drain?.Draining ?? state;
                var after = Servers(cloud);

                foreach (var (address, _) in before.Where(b => !after.Any(a => a.Address == b.Address)))
                {
                    if (period > TimeSpan.Zero)
                    {
                        Assert.True(disabledSince.TryGetValue(address, out var since) && now - since >= period,
                            $"{address} removed at {now - T0} without a full drain of {period}");
                    }
                }

                foreach (var (address, enabled) in after)
                {
                    if (enabled)
                    {
                        disabledSince.Remove(address);
                    }
                    else
                    {
                        disabledSince.TryAdd(address, now);
                    }
                }

                Assert.All(desired.RealServers, r => Assert.Contains((r.Address, true), after));
                Assert.Empty(Plan(cloud, desired, state, now).Steps);
            }
        }, iter: 200);
    }
}
