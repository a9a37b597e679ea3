namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// A node whose address the cloud does not report (no server NIC registers it; the kubelet reports it) keeps its
/// address: no load balancer gets it, and a Service that asks for it is refused naming the node.
/// </summary>
public sealed class NodeAddressScenarioTests
{
    [Theory]
    [BothEngines]
    public async Task ANodeAddressOnlyTheKubeletReports_IsNeverALoadBalancersAddress(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var nodes = Snapshots.Nodes("1", [.. Topology.Workers, ("worker04", Topology.FirstFree)]);
        var web = Snapshots.Service(Snapshots.NewUid(), "web", [80]);
        var squatter = Snapshots.Service(Snapshots.NewUid(), "squatter", [80]) with { LoadBalancerIP = Topology.FirstFree };

        await app.PostEventsAsync([web, squatter], nodes);
        var ready = await app.WaitSettledAsync(web.Uid);
        var refused = await app.WaitSettledAsync(squatter.Uid);

        Assert.Equal(ServicePhase.Ready, ready.Status.Phase);
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.DoesNotContain(Topology.FirstFree, lb.IpAddresses);
        Assert.DoesNotContain(Topology.FirstFree, lb.Vips);
        Assert.Equal((ServicePhase.Failed, ReasonCodes.LoadBalancerIPUnavailable), (refused.Status.Phase, refused.Status.ReasonCode));
        Assert.Contains("node worker04", refused.Status.Message, StringComparison.Ordinal);
    }
}
