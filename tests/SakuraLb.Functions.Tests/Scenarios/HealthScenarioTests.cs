using System.Globalization;
using SakuraLb.Functions.Health;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// The backend-health loop against the simulator: health read within its share of the request budget, transitions
/// recorded once, the condition kept current, and a Service whose real servers changed read first.
/// </summary>
public sealed class HealthScenarioTests
{
    private static readonly Dictionary<string, string?> FastHealth = new()
    {
        ["Health:Interval"] = "00:00:01",
        ["Health:PassDuration"] = "00:00:02",
    };

    private static async Task<string> ReadyServiceAsync(TestApp app, string name, params int[] ports)
    {
        var uid = Snapshots.NewUid();
        await app.PostEventsAsync([Snapshots.Service(uid, name, ports)], Snapshots.DefaultNodes());
        Assert.Equal(ServicePhase.Ready, (await app.WaitSettledAsync(uid)).Status.Phase);
        return uid;
    }

    /// <summary>Runs passes until the feed's health of the Service satisfies <paramref name="done"/>.</summary>
    private static Task<BackendHealth> HealthAsync(TestApp app, string uid, Func<BackendHealth, bool> done, string what) =>
        Eventually.UntilAsync(
            async () =>
            {
                await app.Get<HealthPass>().RunAsync(CancellationToken.None);
                return (await app.StatusFeedAsync()).Services.Single(s => s.Uid == uid).Backends;
            },
            h => h is not null && done(h),
            what,
            TimeSpan.FromSeconds(30)).ContinueWith(t => t.Result!, TaskScheduler.Default);

    [Fact]
    public async Task WorkerHealthCheckFailsAndPasses_RecordsDownOnceThenUp_AndKeepsTheConditionCurrent()
    {
        await using var app = await TestApp.StartAsync(FastHealth);
        var uid = await ReadyServiceAsync(app, "web", 80);

        var healthy = await HealthAsync(app, uid, h => h.Servers.Count == 3, "a first health read");
        Assert.Empty(healthy.Events);
        Assert.Equal(new StatusCondition("BackendsHealthy", "True", "AllRealServersUp", "3/3 real servers up on port 80"), healthy.Condition);
        Assert.Equal(["worker01", "worker02", "worker03"], healthy.Servers.Select(s => s.Node));

        await app.Sim.HealthAsync(Topology.WorkerIds[1], up: false, 80);
        var down = await HealthAsync(app, uid, h => h.Events.Count > 0, "the down transition");
        var e = Assert.Single(down.Events);
        Assert.Equal(("Warning", "RealServerDown"), (e.Type, e.Reason));
        Assert.Contains("worker02 (203.0.113.101) is DOWN on port 80", e.Message, StringComparison.Ordinal);
        Assert.Equal(new StatusCondition("BackendsHealthy", "False", "RealServersDown", "2/3 real servers up on port 80 (down: worker02)"), down.Condition);

        // More reads of the same state: no new event.
        for (var i = 0; i < 3; i++)
        {
            await Eventually.UntilAsync(() => app.Get<HealthPass>().RunAsync(CancellationToken.None), r => r.Reads == 1, "one more health read");
        }

        Assert.Single((await app.StatusFeedAsync()).Services.Single(s => s.Uid == uid).Backends!.Events);

        await app.Sim.HealthAsync(Topology.WorkerIds[1], up: true, 80);
        var up = await HealthAsync(app, uid, h => h.Events.Count > 1, "the up transition");
        Assert.Equal(["RealServerDown", "RealServerUp"], up.Events.Select(x => x.Reason));
        Assert.Equal("Normal", up.Events[1].Type);
        Assert.Equal("True", up.Condition!.Status);
    }

    [Fact]
    public async Task PoweredOffWorker_IsDown_AndEveryWorkerDown_AddsAllRealServersDown()
    {
        await using var app = await TestApp.StartAsync(FastHealth);
        var uid = await ReadyServiceAsync(app, "web", 80);
        await HealthAsync(app, uid, h => h.Servers.Count == 3, "a first health read");

        foreach (var id in Topology.WorkerIds)
        {
            await app.Sim.PowerAsync(id, up: false);
        }

        var down = await HealthAsync(app, uid, h => h.Events.Any(x => x.Reason == "AllRealServersDown"), "every server down");
        Assert.Equal(3, down.Events.Count(x => x.Reason == "RealServerDown"));
        Assert.Equal(("False", "AllRealServersDown"), (down.Condition!.Status, down.Condition.Reason));
    }

    [Fact]
    public async Task HealthReads_StayWithinTheirShareOfTheRequestBudget()
    {
        // 20 requests a second, 20 % of them: one health request every 250 ms at most.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Sakura:RequestsPerSecond"] = "20",
            ["Health:Interval"] = "00:00:01",
            ["Health:PassDuration"] = "00:00:01",
        });
        var uids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            uids.Add(await ReadyServiceAsync(app, "web" + i.ToString(CultureInfo.InvariantCulture), 80));
        }

        await app.Sim.ClearRequestsAsync();
        var started = DateTimeOffset.UtcNow;
        var pass = app.Get<HealthPass>();
        while (DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(4))
        {
            await pass.RunAsync(CancellationToken.None);
        }

        var elapsed = DateTimeOffset.UtcNow - started;
        var requests = (await app.Sim.RequestsAsync()).Where(r => r.Method == "GET").OrderBy(r => r.Time).ToList();
        Assert.Contains(requests, r => r.Path.EndsWith("/status", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromMilliseconds(250), pass.Spacing);

        // The share over the whole run, and in any one second (one more for the jitter of arrival times).
        Assert.True(requests.Count <= (elapsed / pass.Spacing) + 1, $"{requests.Count} requests in {elapsed}");
        foreach (var first in requests)
        {
            var inSecond = requests.Count(r => r.Time >= first.Time && r.Time < first.Time.AddSeconds(1));
            Assert.True(inSecond <= 5, $"{inSecond} health requests within one second from {first.Time:O}");
        }

        var feed = await app.StatusFeedAsync();
        Assert.All(uids, uid => Assert.NotNull(feed.Services.Single(s => s.Uid == uid).Backends));
    }

    [Fact]
    public async Task ServiceWhoseRealServersChanged_IsReadAgainBeforeItsInterval()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Health:Interval"] = "01:00:00" });
        var uid = await ReadyServiceAsync(app, "web", 80);
        var pass = app.Get<HealthPass>();
        Assert.Equal(1, (await pass.RunAsync(CancellationToken.None)).Reads);
        Assert.Equal(0, (await pass.RunAsync(CancellationToken.None)).Reads);

        // worker03 leaves: the load balancer's real servers change, and the health read an hour ago no longer says which are up.
        await app.PostEventsAsync(nodes: Snapshots.Nodes("2", Topology.Workers.Take(2)));
        await Eventually.UntilAsync(
            () => app.Statuses.GetAsync(app.ClusterId, uid, CancellationToken.None),
            s => s is not null && s.RealServerHash != s.HealthRealServerHash,
            "the real servers of the Service to change");
        await app.WaitSettledAsync(uid);

        Assert.Equal(1, (await pass.RunAsync(CancellationToken.None)).Reads);

        var health = (await app.StatusFeedAsync()).Services.Single(s => s.Uid == uid).Backends!;
        Assert.Equal(["worker01", "worker02"], health.Servers.Select(s => s.Node));
        Assert.Equal(0, (await pass.RunAsync(CancellationToken.None)).Reads);
    }
}
