using SakuraLb.Relay.Hosting;
using SakuraLb.Relay.Leadership;
using SakuraLb.Relay.Options;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>Two replicas: one leads, the other is ready but idle, and takes over when the leader stops.</summary>
public sealed class LeaderElectionTests
{
    private static async Task<(RelayHost Leader, RelayHost Follower)> TwoReplicasAsync(RelayTestBed bed, bool release = true)
    {
        // A 4 s lease tells a released Lease (taken within a few 250 ms retry periods) from an expired one.
        RelayOptions Options(string identity) => bed.DefaultOptions(identity) with
        {
            LeaderElection = true,
            ReleaseLeaseOnShutdown = release,
            LeaseDuration = TimeSpan.FromSeconds(4),
            RenewDeadline = TimeSpan.FromSeconds(3),
        };

        var a = await bed.StartRelayAsync(Options("relay-a"));
        var b = await bed.StartRelayAsync(Options("relay-b"));
        await Eventually.UntilAsync(
            () => (a.Leadership.Role, b.Leadership.Role) is (RelayRole.Leader, RelayRole.Follower) or (RelayRole.Follower, RelayRole.Leader),
            "one replica leads and the other follows");
        return a.Leadership.Role == RelayRole.Leader ? (a, b) : (b, a);
    }

    [Fact]
    public async Task TwoReplicas_OnlyTheLeaderWatchesAndTheFollowerIsReadyButIdle()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false);
        var (leader, follower) = await TwoReplicasAsync(bed);
        await bed.WaitSyncedAsync(leader);

        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the leader forwarded the Service");

        Assert.False(follower.Pipeline.Running);
        Assert.Equal(0, follower.Metrics.Count("watch_events"));
        Assert.Equal(0, follower.Metrics.Count("relists"));
        await Eventually.UntilAsync(() => follower.Leadership.Leader == leader.Options.Identity, "the follower saw who leads");
        // The leader's watches only: Services, Nodes and the resync ConfigMap (by name).
        await Eventually.UntilAsync(() => bed.Kube.OpenWatchCount() == 3, "the leader's three watches are open");

        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri(follower.BaseAddress, "readyz"))).IsSuccessStatusCode, "the follower is ready");
        Assert.True((await http.GetAsync(new Uri(leader.BaseAddress, "readyz"))).IsSuccessStatusCode, "the leader is ready");
        var lease = bed.Objects.Get("leases.coordination.k8s.io", "sakuralb-system", "sakuralb-relay");
        Assert.Equal(leader.Options.Identity, lease!["spec"]!["holderIdentity"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Leader_Stops_TheFollowerTakesOverAndCarriesOn(bool release)
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false);
        var (leader, follower) = await TwoReplicasAsync(bed, release);
        await bed.WaitSyncedAsync(leader);
        var before = bed.CreateService("before");
        await Eventually.UntilAsync(() => bed.Function.Latest(before) is not null, "the first leader forwarded a Service");

        await leader.StopAsync();
        var stopped = System.Diagnostics.Stopwatch.StartNew();

        await Eventually.UntilAsync(() => follower.Leadership.Role == RelayRole.Leader, "the follower became the leader", TimeSpan.FromSeconds(20));
        if (release)
        {
            // A released Lease is taken within a few retry periods, well before the 4 s lease would expire.
            Assert.True(stopped.Elapsed < leader.Options.LeaseDuration, $"handover took {stopped.Elapsed}");
        }

        await Eventually.UntilAsync(() => follower.Pipeline.Synced, "the new leader listed Services and Nodes");
        var after = bed.CreateService("after");
        await Eventually.UntilAsync(() => bed.Function.Latest(after)?.HasCleanupFinalizer == true, "the new leader forwarded a new Service");
        // The function stub records a batch before the relay has its answer and counts it, so the count is polled.
        await Eventually.UntilAsync(() => follower.Metrics.Count("forwarded", "service") >= 2, "the new leader resent the existing Service and the new one");
        var lease = bed.Objects.Get("leases.coordination.k8s.io", "sakuralb-system", "sakuralb-relay");
        Assert.Equal(follower.Options.Identity, lease!["spec"]!["holderIdentity"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServiceDeletedWhileNoLeaderWatched_TheNextLeaderSendsItsTombstoneFromTheFeed()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false);
        var a = await bed.StartRelayAsync(bed.DefaultOptions("relay-a") with { LeaderElection = true });
        await Eventually.UntilAsync(() => a.Leadership.Role == RelayRole.Leader, "relay-a leads");
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.HasCleanupFinalizer == true, "the Service reached the function");
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.101"));
        await Eventually.UntilAsync(() => a.Pipeline.Statuses.Contains(uid), "relay-a read the feed");

        // The leader goes away; meanwhile an administrator strips the finalizer and deletes the Service, so
        // no watch ever reports the deletion to anyone.
        await a.StopAsync();
        bed.Objects.MergePatch("services", "default", "web", """{"metadata":{"finalizers":null}}""");
        bed.Objects.Delete("services", "default", "web");
        Assert.Null(bed.Objects.Get("services", "default", "web"));

        var b = await bed.StartRelayAsync(bed.DefaultOptions("relay-b") with { LeaderElection = true });
        await Eventually.UntilAsync(() => b.Leadership.Role == RelayRole.Leader, "relay-b leads");

        var tombstone = await Eventually.ValueAsync(() => bed.Function.Latest(uid) is { Deleted: true } t ? t : null, "relay-b sent the tombstone");
        Assert.Equal(("default", "web"), (tombstone.Namespace, tombstone.Name));
    }
}
