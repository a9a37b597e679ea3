using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SakuraLb.Functions.Nodes;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// The node controller in the function app: node sets from the relay, the simulator's servers, and the results in the
/// status feed, with the read budget and the safety limits.
/// </summary>
public sealed class NodeLifecycleScenarioTests
{
    /// <summary>A Node as a kubelet with --cloud-provider=external registers it.</summary>
    private static NodeSnapshot Registered(string name, string? uid = null) => new()
    {
        Name = name,
        Uid = uid ?? "uid-" + name,
        ResourceVersion = "1",
        Taints = [new NodeTaintSnapshot { Key = WellKnown.UninitializedTaint, Value = "true", Effect = "NoSchedule" }],
    };

    /// <summary>A Node the controller initialised before (providerID of its server, an address, the labels).</summary>
    private static NodeSnapshot Initialised(string name, long serverId, string address) => new()
    {
        Name = name,
        Uid = "uid-" + name,
        ResourceVersion = "1",
        ProviderId = "sakuracloud://" + serverId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Addresses = [new(WellKnown.NodeInternalIP, address), new(WellKnown.NodeExternalIP, address), new(WellKnown.NodeHostName, name)],
        Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.RegionLabel] = "is1", [WellKnown.InstanceTypeLabel] = "2core-4gb" },
    };

    private static NodeSetSnapshot Set(string resourceVersion, params NodeSnapshot[] nodes) =>
        new() { ResourceVersion = resourceVersion, Nodes = nodes, Features = [ProtocolVersion.NodeLifecycleFeature] };

    private static NodeSetSnapshot DefaultWorkers(string resourceVersion) =>
        Set(resourceVersion, [.. Topology.Workers.Select((w, i) => Initialised(w.Name, Topology.WorkerIds[i], w.Address))]);

    private static NodeResult Result(StatusFeed feed, string name) => Assert.Single(feed.Nodes!, r => r.Name == name);

    [Fact]
    public async Task RegisteredNodes_AreInitialisedByTheEventsRequest_FromOneServerRead()
    {
        await using var app = await TestApp.StartAsync();
        await app.Sim.ClearRequestsAsync();

        var (status, _) = await app.PostEventsAsync(nodes: Set("1", [.. Topology.Workers.Select(w => Registered(w.Name))]));

        Assert.Equal(202, status);
        var feed = await app.StatusFeedAsync();
        Assert.Equal(3, feed.Nodes!.Count);
        var worker = Result(feed, "worker01");
        Assert.Equal(ReasonCodes.NodeInitialized, worker.ReasonCode);
        Assert.Equal("sakuracloud://113100000003", worker.ProviderId);
        Assert.Equal(["InternalIP 203.0.113.100", "ExternalIP 203.0.113.100", "Hostname worker01"], worker.Addresses!.Select(a => $"{a.Type} {a.Address}"));
        Assert.Equal(new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.RegionLabel] = "is1", [WellKnown.InstanceTypeLabel] = "2core-4gb" }, worker.Labels);
        Assert.True(worker.Initialized);
        Assert.False(worker.Shutdown);
        Assert.Equal(["GET /server"], (await app.Sim.RequestsAsync()).Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task BadInput_EachNodeSaysWhy_AndNothingIsFilledIn()
    {
        await using var app = await TestApp.StartAsync();
        await app.Sim.AddServerAsync(new JsonObject { ["zone"] = "is1a", ["name"] = "twin", ["interfaces"] = new JsonArray() });
        await app.Sim.AddServerAsync(new JsonObject { ["zone"] = "is1a", ["name"] = "twin", ["interfaces"] = new JsonArray() });
        await app.Sim.AddServerAsync(new JsonObject { ["zone"] = "is1a", ["name"] = "bare", ["interfaces"] = new JsonArray() });
        await app.Sim.AddServerAsync(new JsonObject { ["zone"] = "is1a", ["name"] = "unregistered", ["interfaces"] = new JsonArray(new JsonObject { ["switchId"] = Topology.SwitchId }) });

        await app.PostEventsAsync(nodes: Set(
            "1",
            Registered("ghost"),
            Registered("twin"),
            Registered("bare"),
            Registered("unregistered"),
            Registered("worker01") with { ProvidedNodeIp = "10.9.9.9" }));

        var feed = await app.StatusFeedAsync();
        Assert.Equal(ReasonCodes.ServerNotFound, Result(feed, "ghost").ReasonCode);
        Assert.Equal(ReasonCodes.AmbiguousServerName, Result(feed, "twin").ReasonCode);
        Assert.Equal(ReasonCodes.ProvidedNodeIPNotFound, Result(feed, "worker01").ReasonCode);
        Assert.All(new[] { "ghost", "twin", "worker01" }.Select(n => Result(feed, n)), r => Assert.True(r is { Initialized: false, ProviderId: null, Addresses: null, Labels.Count: 0 }));
        foreach (var name in new[] { "bare", "unregistered" })
        {
            var result = Result(feed, name);
            Assert.True(result.Initialized);
            Assert.Null(result.Addresses);
            Assert.Equal(ReasonCodes.ServerWithoutAddress, Assert.Single(result.Warnings!).ReasonCode);
        }
    }

    [Fact]
    public async Task ApiOutage_DecidesNothing_ThenTheTimerCatchesUp()
    {
        await using var app = await TestApp.StartAsync();
        await app.Sim.FaultsAsync(new JsonObject { ["method"] = "GET", ["path"] = "/server", ["status"] = 503 });

        await app.PostEventsAsync(nodes: Set("1", Registered("worker01")));

        Assert.Empty((await app.StatusFeedAsync()).Nodes!);
        await app.Sim.FaultsAsync();
        await app.Get<NodePass>().RunAsync(CancellationToken.None);
        Assert.True(Result(await app.StatusFeedAsync(), "worker01").Initialized);
    }

    [Fact]
    public async Task PowerOffAndOn_SetsAndClearsTheShutdownTaint()
    {
        await using var app = await TestApp.StartAsync();
        var pass = app.Get<NodePass>();
        await app.PostEventsAsync(nodes: DefaultWorkers("1"));
        Assert.False(Result(await app.StatusFeedAsync(), "worker02").Shutdown);

        await app.Sim.PowerAsync(Topology.WorkerIds[1], up: false);
        await pass.RunAsync(CancellationToken.None);
        var off = Result(await app.StatusFeedAsync(), "worker02");

        await app.Sim.PowerAsync(Topology.WorkerIds[1], up: true);
        await pass.RunAsync(CancellationToken.None);
        var on = Result(await app.StatusFeedAsync(), "worker02");

        Assert.Equal((true, ReasonCodes.ServerShutdown), (off.Shutdown, off.ReasonCode));
        Assert.Equal((false, ReasonCodes.NodeInitialized), (on.Shutdown, on.ReasonCode));
        Assert.False(Result(await app.StatusFeedAsync(), "worker01").Shutdown);
    }

    [Fact]
    public async Task DeletedServer_NodeIsDeletedOnlyOnTheConfirmingRead()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var pass = app.Get<NodePass>();
        await app.PostEventsAsync(nodes: DefaultWorkers("1"));
        await app.Sim.DeleteServerAsync(Topology.WorkerIds[2]);

        await pass.RunAsync(CancellationToken.None);
        var first = Result(await app.StatusFeedAsync(), "worker03");
        clock.Advance(TimeSpan.FromSeconds(30));
        await pass.RunAsync(CancellationToken.None);
        var early = Result(await app.StatusFeedAsync(), "worker03");
        clock.Advance(TimeSpan.FromSeconds(30));
        await pass.RunAsync(CancellationToken.None);
        var confirmed = Result(await app.StatusFeedAsync(), "worker03");

        Assert.Equal((ReasonCodes.ServerVanished, false), (first.ReasonCode, first.Delete));
        Assert.False(early.Delete);
        Assert.Equal((ReasonCodes.DeletingNode, true), (confirmed.ReasonCode, confirmed.Delete));
        Assert.False(Result(await app.StatusFeedAsync(), "worker01").Delete);
    }

    [Fact]
    public async Task EveryServerGone_AWrongZoneOrAccount_DeletesNothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["Sakura:Zone"] = "is1b" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var pass = app.Get<NodePass>();

        await app.PostEventsAsync(nodes: DefaultWorkers("1"));
        clock.Advance(TimeSpan.FromMinutes(2));
        await pass.RunAsync(CancellationToken.None);

        var feed = await app.StatusFeedAsync();
        Assert.All(feed.Nodes!, r => Assert.False(r.Delete));
        Assert.All(feed.Nodes!, r => Assert.Equal(ReasonCodes.NodeDeletionRefused, r.ReasonCode));
    }

    [Fact]
    public async Task NodeRecreatedUnderItsName_TheResultIsForTheNewOne()
    {
        await using var app = await TestApp.StartAsync();

        await app.PostEventsAsync(nodes: Set("1", Registered("worker01", "uid-first")));
        await app.PostEventsAsync(nodes: Set("2", Registered("worker01", "uid-second")));

        Assert.Equal("uid-second", Result(await app.StatusFeedAsync(), "worker01").Uid);
    }

    [Fact]
    public async Task OlderRelay_WithoutTheFeature_GetsNoNodeDecisions()
    {
        await using var app = await TestApp.StartAsync();
        await app.Sim.ClearRequestsAsync();

        await app.PostEventsAsync(nodes: Set("1", Registered("worker01")) with { Features = [] });

        Assert.Empty((await app.StatusFeedAsync()).Nodes!);
        Assert.DoesNotContain(await app.Sim.RequestsAsync(), r => r.Path == "/server");
    }

    [Fact]
    public async Task SwitchedOff_NoNodePartInTheFeedAndNoServerRead()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Nodes:Initialize"] = "false",
            ["Nodes:ShutdownTaint"] = "false",
            ["Nodes:DeleteVanished"] = "false",
        });
        await app.Sim.ClearRequestsAsync();

        await app.PostEventsAsync(nodes: Set("1", Registered("worker01")));
        await app.Get<NodePass>().RunAsync(CancellationToken.None);

        Assert.Null((await app.StatusFeedAsync()).Nodes);
        Assert.DoesNotContain(await app.Sim.RequestsAsync(), r => r.Path == "/server");
    }

    [Fact]
    public async Task TriggersDuringAPass_ShareOneMorePass()
    {
        await using var app = await TestApp.StartAsync();
        var pass = app.Get<NodePass>();
        await app.PostEventsAsync(nodes: Set("1", Registered("worker01")));
        await app.Sim.FaultsAsync(new JsonObject { ["method"] = "GET", ["path"] = "/server", ["latencyMs"] = 1000 });
        await app.Sim.ClearRequestsAsync();

        // One pass runs (its read takes a second); every request made meanwhile is served by one pass after it.
        var running = pass.RunAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => pass.RunAsync(CancellationToken.None)).Append(running));

        Assert.Equal(2, (await app.Sim.RequestsAsync()).Count(r => r.Path == "/server"));
        Assert.True(Result(await app.StatusFeedAsync(), "worker01").Initialized);
    }
}
