using System.Diagnostics;
using Microsoft.DurableTask.Client;
using SakuraLb.Reconcile.Annotations;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// Graceful drain through the whole function app against the simulator: a leaving real server is written disabled,
/// kept for the Service's drain period (a durable timer), then removed; one coming back is enabled again.
/// </summary>
public sealed class DrainScenarioTests
{
    private const string Worker2 = "203.0.113.101";
    private const string Worker3 = "203.0.113.102";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The real servers of the load balancer's (only) VIP entry as stored: address → Enabled ("True"/"False").</summary>
    private static Dictionary<string, string> Servers(SimAppliance lb) =>
        Assert.Single(lb.StoredSettings)!["Servers"]!.AsArray()
            .ToDictionary(s => (string)s!["IPAddress"]!, s => (string?)s!["Enabled"] ?? "True");

    private static async Task<(TestApp App, ServiceSnapshot Service, long LoadBalancerId)> StartAsync(
        DurableEngineKind engine, int drainSeconds, bool restartable = false)
    {
        var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Reconcile:DrainRecheckInterval"] = "00:00:00.500" }, engine: engine, restartable: restartable);
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80], annotations: new Dictionary<string, string>
        {
            [LoadBalancerAnnotations.DrainSeconds.Key] = drainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await app.PostEventsAsync([service], Snapshots.DefaultNodes("1"));
        await app.WaitSettledAsync(service.Uid);
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Equal(3, Servers(lb).Count);
        await app.Sim.ClearRequestsAsync();
        return (app, service, lb.Id);
    }

    private static Task<Dictionary<string, string>> UntilServersAsync(TestApp app, Func<Dictionary<string, string>, bool> done, string what) =>
        Eventually.UntilAsync(async () => Servers(Assert.Single(await app.Sim.LoadBalancersAsync())), done, what, Timeout, TimeSpan.FromMilliseconds(50));

    /// <summary>Once the status says a server drains, the reconcile waits for the drain on a durable timer.</summary>
    private static Task<string> UntilDrainingAsync(TestApp app, ServiceSnapshot service) =>
        Eventually.UntilAsync(
            async () => (await app.Statuses.GetAsync(app.ClusterId, service.Uid, CancellationToken.None))?.Status.Message ?? "",
            m => m.Contains("1 draining", StringComparison.Ordinal),
            "the status to show the drain",
            Timeout);

    /// <summary>Settings writes (PUT of the appliance) and applies (PUT of its config) since the requests were cleared.</summary>
    private static async Task<(int Writes, int Applies)> WritesAsync(TestApp app, long id)
    {
        var requests = await app.Sim.RequestsAsync();
        return (requests.Count(r => r.Method == "PUT" && r.Path == $"/appliance/{id}"), requests.Count(r => r.Method == "PUT" && r.Path == $"/appliance/{id}/config"));
    }

    private static NodeSetSnapshot Without(string resourceVersion, params string[] addresses) =>
        Snapshots.Nodes(resourceVersion, Topology.Workers.Where(w => !addresses.Contains(w.Address)));

    [Theory]
    [BothEngines]
    public async Task NodeRemoved_IsWrittenDisabled_ThenRemovedAfterTheDrainPeriod(DurableEngineKind engine)
    {
        var drain = TimeSpan.FromSeconds(5);
        var (app, service, id) = await StartAsync(engine, (int)drain.TotalSeconds);
        await using var _ = app;

        var posted = Stopwatch.StartNew();
        await app.PostEventsAsync(nodes: Without("2", Worker3));
        var disabled = await UntilServersAsync(app, s => s.GetValueOrDefault(Worker3) == "False", "worker03 written disabled");
        Assert.Equal(["True", "True"], disabled.Where(s => s.Key != Worker3).Select(s => s.Value));
        await UntilServersAsync(app, s => !s.ContainsKey(Worker3), "worker03 removed after its drain");

        // The drain starts when the node set is planned, after it was posted: never removed sooner than the period.
        Assert.True(posted.Elapsed >= drain, $"removed {posted.Elapsed} after the node left, before the drain of {drain} ended");
        await app.WaitSettledAsync(service.Uid);
        Assert.Equal((2, 2), await WritesAsync(app, id));
    }

    [Theory]
    [BothEngines]
    public async Task NodeBackDuringItsDrain_IsEnabledAgain_NeverRemoved(DurableEngineKind engine)
    {
        var drain = TimeSpan.FromSeconds(60);
        var (app, service, id) = await StartAsync(engine, (int)drain.TotalSeconds);
        await using var _ = app;

        await app.PostEventsAsync(nodes: Without("2", Worker3));
        await UntilServersAsync(app, s => s.GetValueOrDefault(Worker3) == "False", "worker03 written disabled");
        var back = Stopwatch.StartNew();
        await app.PostEventsAsync(nodes: Snapshots.DefaultNodes("3"));

        var servers = await UntilServersAsync(app, s => s.GetValueOrDefault(Worker3) == "True", "worker03 enabled again");
        Assert.Equal(3, servers.Count);
        await app.WaitSettledAsync(service.Uid);
        // The reconcile saw the node come back without waiting for the drain to end.
        Assert.True(back.Elapsed < drain, $"the reconcile settled {back.Elapsed} after the node came back");
        Assert.Equal((2, 2), await WritesAsync(app, id));
    }

    [Theory]
    [BothEngines]
    public async Task TwoNodesLeavingTogether_OneDisableWrite_ThenOneRemovalWrite(DurableEngineKind engine)
    {
        var (app, service, id) = await StartAsync(engine, drainSeconds: 4);
        await using var _ = app;

        await app.PostEventsAsync(nodes: Without("2", Worker2, Worker3));
        await UntilServersAsync(app, s => s.GetValueOrDefault(Worker2) == "False" && s.GetValueOrDefault(Worker3) == "False", "both written disabled");
        await UntilServersAsync(app, s => s.Count == 1, "both removed");

        await app.WaitSettledAsync(service.Uid);
        Assert.Equal((2, 2), await WritesAsync(app, id));
    }

    [Fact]
    public async Task FunctionAppRestartedDuringTheDrain_ResumesIt_AndRemovesTheServerOnce()
    {
        var drain = TimeSpan.FromSeconds(8);
        var (app, service, id) = await StartAsync(DurableEngineKind.AzureStorage, (int)drain.TotalSeconds, restartable: true);
        try
        {
            var posted = Stopwatch.StartNew();
            await app.PostEventsAsync(nodes: Without("2", Worker3));
            await UntilServersAsync(app, s => s.GetValueOrDefault(Worker3) == "False", "worker03 written disabled");

            await UntilDrainingAsync(app, service);

            app = await app.RestartAsync();

            await UntilServersAsync(app, s => !s.ContainsKey(Worker3), "worker03 removed after the restart");
            Assert.True(posted.Elapsed >= drain, $"removed {posted.Elapsed} after the node left, before the drain of {drain} ended");
            await app.WaitSettledAsync(service.Uid);
            Assert.Equal((2, 2), await WritesAsync(app, id));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// The reconcile that carried the drain is gone (terminated mid-drain): the resync's drift check finds the disabled
    /// server, starts the reconcile again, and the drain starts afresh: later, never earlier, and never forgotten.
    /// </summary>
    [Theory]
    [BothEngines]
    public async Task DrainStateLost_TheResyncFinishesTheDrain_NeverEarly(DurableEngineKind engine)
    {
        var drain = TimeSpan.FromSeconds(4);
        var (app, service, id) = await StartAsync(engine, (int)drain.TotalSeconds);
        await using var _ = app;
        var instance = ReconcileServiceOrchestrator.InstanceId(service.Uid);

        await app.PostEventsAsync(nodes: Without("2", Worker3));
        await UntilServersAsync(app, s => s.GetValueOrDefault(Worker3) == "False", "worker03 written disabled");
        await UntilDrainingAsync(app, service);
        await app.Client.TerminateInstanceAsync(instance);
        await Eventually.UntilAsync(
            async () => (await app.Client.GetInstanceAsync(instance))?.RuntimeStatus,
            s => s == OrchestrationRuntimeStatus.Terminated,
            "the reconcile terminated",
            Timeout);
        var lost = Stopwatch.StartNew();

        var report = await app.ResyncAsync(collectOrphans: false);

        Assert.Equal(1, report.Drifted);
        await UntilServersAsync(app, s => !s.ContainsKey(Worker3), "worker03 removed by the restarted reconcile");
        Assert.True(lost.Elapsed >= drain, $"removed {lost.Elapsed} after the drain state was lost, before a whole drain of {drain}");
        await app.WaitSettledAsync(service.Uid);
        Assert.Equal((2, 2), await WritesAsync(app, id));
    }
}
