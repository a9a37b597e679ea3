using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>A burst of node joins becomes one settings write and one apply per load balancer.</summary>
public sealed class NodeChurnScenarioTests
{
    /// <summary>Runs the burst and returns, per LB id, the (settings writes, applies) made during it.</summary>
    internal static async Task<Dictionary<long, (int Writes, int Applies)>> NodesJoinAsync(
        TestApp app, IReadOnlyList<ServiceSnapshot> services, NodeSetSnapshot initial, long switchId, Ipv4Address network, int joining, TimeSpan gap)
    {
        var nodes = initial.Nodes.Select(n => (n.Name, n.Addresses[0].Address)).ToList();
        var added = new List<(string, string)>();
        for (var i = 0; i < joining; i++)
        {
            // Above the addresses the load balancers took (they allocate from the bottom of the block).
            var address = network.Add(60 + i).ToString();
            await app.Sim.AddServerAsync($"join{i:D2}", address, switchId);
            added.Add(($"join{i:D2}", address));
        }

        await app.Sim.ClearRequestsAsync();
        NodeSetSnapshot? last = null;
        for (var i = 1; i <= joining; i++)
        {
            last = Snapshots.Nodes((10 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), [.. nodes, .. added.Take(i)]);
            await app.PostEventsAsync(nodes: last);
            // Paces the input (nodes join over time); nothing waits for state here.
            await Task.Delay(gap);
        }

        var fingerprint = NodeFingerprint.Eligible(last!);
        await Eventually.UntilAsync(
            async () => (await app.Statuses.ListAsync(app.ClusterId, default)).Count(s => s.NodeFingerprint == fingerprint && s.Settled),
            n => n == services.Count,
            "every Service to reconcile the new node set",
            TimeSpan.FromMinutes(3));
        await app.WaitIdleAsync(services.Select(s => "svc-" + s.Uid));

        var requests = await app.Sim.RequestsAsync();
        var lbs = await app.Sim.LoadBalancersAsync();
        Assert.All(lbs, lb => Assert.All(lb.StoredSettings, v => Assert.Equal(initial.Nodes.Count + joining, v!["Servers"]!.AsArray().Count)));
        return lbs.ToDictionary(
            lb => lb.Id,
            lb => (requests.Count(r => r.Method == "PUT" && r.Path == $"/appliance/{lb.Id}"), requests.Count(r => r.Method == "PUT" && r.Path == $"/appliance/{lb.Id}/config")));
    }

    [Theory]
    [BothEngines]
    public async Task NodesJoinInABurst_OneSettingsWriteAndOneApplyPerLoadBalancer(DurableEngineKind engine)
    {
        // The burst is paced at 100 ms, but on a loaded machine one post can stall for seconds (on Azure Storage each
        // post writes queue messages and table rows through Azurite; seen with three builds sharing two cores); a gap
        // longer than NodeDebounce would rightly end the burst early (two writes per LB) and fail the test.
        var (app, nodes, switchId, network) = await ManyServicesScenarioTests.StartWithBigRouterAsync(new Dictionary<string, string?>
        {
            ["Reconcile:NodeDebounce"] = "00:00:10",
            ["Reconcile:NodeDebounceMax"] = "00:01:00",
        }, engine: engine);
        await using var _ = app;
        var services = Enumerable.Range(0, 4).Select(i => Snapshots.Service(Snapshots.NewUid(), $"svc{i}", [80, 443])).ToList();
        await app.PostEventsAsync(services, nodes);
        foreach (var service in services)
        {
            await app.WaitSettledAsync(service.Uid);
        }

        var perLb = await NodesJoinAsync(app, services, nodes, switchId, network, joining: 8, gap: TimeSpan.FromMilliseconds(100));

        Assert.Equal(4, perLb.Count);
        Assert.All(perLb.Values, v => Assert.Equal((1, 1), v));
    }
}
