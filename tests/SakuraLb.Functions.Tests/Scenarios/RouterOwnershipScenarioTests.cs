using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// Routers belong to clusters: a Service lands only on a router carrying its cluster's tag (unless the controller
/// shares routers), whatever selector it names, and the selectors and the requested address can be kept to the
/// namespaces the controller's settings allow.
/// </summary>
public sealed class RouterOwnershipScenarioTests
{
    private const string RouterSelector = "k8s.usacloud.jp/router-selector";

    [Fact]
    public async Task ServiceOfClusterA_SelectingClusterBsRouter_GetsRouterNotFound_AndNothingIsCreatedOnIt()
    {
        await using var app = await TestApp.StartAsync();
        // Cluster B's router: the shared base tag, B's cluster tag and a team tag a Service of A can name.
        await app.Sim.AddRouterAsync("b-router", 28, LoadBalancerNaming.BaseTag, LoadBalancerNaming.ClusterTag("cluster-b"), "@team-b");
        var intruder = Snapshots.Service(Snapshots.NewUid(), "intruder", [80], annotations: new Dictionary<string, string> { [RouterSelector] = "@team-b" });
        var own = Snapshots.Service(Snapshots.NewUid(), "own", [80]);

        await app.PostEventsAsync([intruder, own], Snapshots.DefaultNodes());
        var refused = (await app.WaitSettledAsync(intruder.Uid)).Status;
        var placed = (await app.WaitSettledAsync(own.Uid)).Status;

        Assert.Equal(ReasonCodes.RouterNotFound, refused.ReasonCode);
        Assert.Contains(LoadBalancerNaming.ClusterTag(app.ClusterId), refused.Message, StringComparison.Ordinal);
        Assert.Equal(ServicePhase.Ready, placed.Phase);
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Equal(Topology.SwitchId, lb.Network.SwitchId);
    }

    [Fact]
    public async Task RouterWithoutTheClusterTag_HostsNothing_UnlessTheControllerSharesRouters()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Controller:RouterTags:0"] = "@shared" });
        await app.Sim.AddRouterAsync("shared", 28, "@shared");
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80]);

        await app.PostEventsAsync([service], Snapshots.DefaultNodes());

        Assert.Equal(ReasonCodes.RouterNotFound, (await app.WaitSettledAsync(service.Uid)).Status.ReasonCode);
        Assert.Empty(await app.Sim.LoadBalancersAsync());

        await using var shared = await TestApp.StartAsync(new Dictionary<string, string?> { ["Controller:RouterTags:0"] = "@shared", ["Controller:SharedNetworks"] = "true" });
        var sharedRouterSwitch = await shared.Sim.AddRouterAsync("shared", 28, "@shared");
        await shared.PostEventsAsync([service], Snapshots.DefaultNodes());

        Assert.Equal(ServicePhase.Ready, (await shared.WaitSettledAsync(service.Uid)).Status.Phase);
        Assert.Equal(sharedRouterSwitch, Assert.Single(await shared.Sim.LoadBalancersAsync()).Network.SwitchId);
    }

    [Fact]
    public async Task RestrictedAnnotations_OutsideTheAllowedNamespaces_AreRefusedNamingTheSetting_AndWorkInside()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Controller:RouterSelectorNamespaces"] = "infra",
            ["Controller:LoadBalancerIpNamespaces"] = "",
        });
        var selector = new Dictionary<string, string> { [RouterSelector] = LoadBalancerNaming.BaseTag };
        var outside = Snapshots.Service(Snapshots.NewUid(), "outside", [80], annotations: selector, ns: "team-a");
        var inside = Snapshots.Service(Snapshots.NewUid(), "inside", [80], annotations: selector, ns: "infra");
        var address = Snapshots.Service(Snapshots.NewUid(), "address", [80], ns: "infra") with { LoadBalancerIP = "203.0.113.110" };

        await app.PostEventsAsync([outside, inside, address], Snapshots.DefaultNodes());
        var refused = (await app.WaitSettledAsync(outside.Uid)).Status;
        var noAddress = (await app.WaitSettledAsync(address.Uid)).Status;

        Assert.Equal(ReasonCodes.AnnotationNotAllowed, refused.ReasonCode);
        Assert.Contains("Controller:RouterSelectorNamespaces", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.AnnotationNotAllowed, noAddress.ReasonCode);
        Assert.Contains("Controller:LoadBalancerIpNamespaces", noAddress.Message, StringComparison.Ordinal);
        Assert.Equal(ServicePhase.Ready, (await app.WaitSettledAsync(inside.Uid)).Status.Phase);
        Assert.Single(await app.Sim.LoadBalancersAsync());
    }
}
