namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>Many Services at once: distinct addresses, one LB each, exhaustion reported per Service.</summary>
public sealed class ManyServicesScenarioTests
{
    /// <summary>A /25 router tagged @big (and the cluster's tag) with three nodes on its switch; the app selects routers by @big.</summary>
    internal static async Task<(TestApp App, NodeSetSnapshot Nodes, long SwitchId, Reconcile.Addressing.Ipv4Address Network)> StartWithBigRouterAsync(
        Dictionary<string, string?>? settings = null,
        SakuraSim.SakuraSimulatorOptions? simulator = null,
        DurableEngineKind engine = DurableEngineKind.InMemory,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null,
        int prefixLength = 25)
    {
        var values = new Dictionary<string, string?> { ["Controller:RouterTags:0"] = "@big" };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var app = await TestApp.StartAsync(values, simulator, services, engine);
        var switchId = await app.Sim.AddRouterAsync("big", prefixLength, "@big", Reconcile.Desired.LoadBalancerNaming.ClusterTag(app.ClusterId));
        var network = Reconcile.Addressing.Ipv4Address.Parse(await app.Sim.RouterNetworkAsync("big"));
        var nodes = new List<(string, string)>();
        for (var i = 0; i < 3; i++)
        {
            var address = network.Add(4 + i).ToString();
            await app.Sim.AddServerAsync($"big{i}", address, switchId);
            nodes.Add(($"big{i}", address));
        }

        await app.Sim.ClearRequestsAsync();
        return (app, Snapshots.Nodes("1", nodes), switchId, network);
    }

    [Theory]
    [BothEngines]
    public async Task TwentyServicesAtOnce_DistinctVipsNoAddressTwiceNoDuplicateLb(DurableEngineKind engine)
    {
        var (app, nodes, _, _) = await StartWithBigRouterAsync(engine: engine);
        await using var _ = app;
        var services = Enumerable.Range(0, 20).Select(i => Snapshots.Service(Snapshots.NewUid(), $"svc{i}", [80])).ToList();

        await app.PostEventsAsync(services, nodes);
        var statuses = await app.WaitAllSettledAsync(services, TimeSpan.FromMinutes(3));

        Assert.All(statuses, s => Assert.Equal(ServicePhase.Ready, s.Status.Phase));
        var vips = statuses.Select(s => Assert.Single(s.Status.IngressIps)).ToList();
        Assert.Equal(20, vips.Distinct().Count());
        var lbs = await app.Sim.LoadBalancersAsync();
        Assert.Equal(20, lbs.Count);
        Assert.Equal(20, lbs.Select(l => l.Name).Distinct().Count());
        var addresses = lbs.SelectMany(l => l.IpAddresses.Concat(l.Vips)).ToList();
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        Assert.Empty(addresses.Intersect(nodes.Nodes.Select(n => n.Addresses[0].Address)));
    }

    [Theory]
    [BothEngines]
    public async Task BlockExhausted_ExtraServicesReportTheReason_OthersAreFine(DurableEngineKind engine)
    {
        // The default /28 has 8 free addresses: four single LBs (own address + VIP) fit.
        await using var app = await TestApp.StartAsync(engine: engine);
        var (_, statuses) = await CreateAndSettleAsync(app, 6);

        Assert.Equal(4, statuses.Count(s => s.Status.Phase == ServicePhase.Ready));
        var exhausted = statuses.Where(s => s.Status.Phase == ServicePhase.Failed).ToList();
        Assert.Equal(2, exhausted.Count);
        Assert.All(exhausted, s =>
        {
            Assert.Equal(ReasonCodes.AddressesExhausted, s.Status.ReasonCode);
            Assert.Contains("no free address in router k8s-router", s.Status.Message, StringComparison.Ordinal);
            Assert.Empty(s.Status.IngressIps);
        });
        Assert.Equal(4, (await app.Sim.LoadBalancersAsync()).Count);
        foreach (var failed in exhausted)
        {
            Assert.Empty(await app.Reservations.ListByOwnerAsync(failed.Uid, default));
        }
    }

    [Theory]
    [BothEngines]
    public async Task BlockExhausted_OneServiceDeleted_TheWaitingOneTakesTheFreedAddressWithoutTheTimer(DurableEngineKind engine)
    {
        // The /28 holds four single LBs; the fifth waits. No timer runs here: only the wake-up after the release can start it.
        await using var app = await TestApp.StartAsync(engine: engine);
        var (services, statuses) = await CreateAndSettleAsync(app, 5);

        var waiting = Assert.Single(statuses, s => s.Status.ReasonCode == ReasonCodes.AddressesExhausted);
        var freed = services.First(s => s.Uid != waiting.Uid);

        await app.PostEventsAsync([Snapshots.Deleting(freed, "2")]);

        var ready = await Eventually.UntilAsync(
            () => app.Statuses.GetAsync(app.ClusterId, waiting.Uid, CancellationToken.None),
            s => s is { Status.Phase: ServicePhase.Ready },
            "the waiting Service to take the freed address",
            TimeSpan.FromMinutes(2));
        Assert.Equal(ServicePhase.Deleted, (await app.WaitSettledAsync(freed.Uid)).Status.Phase);
        Assert.Single(ready!.Status.IngressIps);
    }

    /// <summary>Creates <paramref name="count"/> one-port Services on the default nodes and waits until each has settled.</summary>
    private static async Task<(List<ServiceSnapshot> Services, IReadOnlyList<SakuraLb.Functions.Storage.StatusRecord> Statuses)> CreateAndSettleAsync(TestApp app, int count)
    {
        var services = Enumerable.Range(0, count).Select(i => Snapshots.Service(Snapshots.NewUid(), $"svc{i}", [80])).ToList();
        await app.PostEventsAsync(services, Snapshots.DefaultNodes());
        var statuses = await app.WaitAllSettledAsync(services, TimeSpan.FromMinutes(2));

        return (services, statuses);
    }
}
