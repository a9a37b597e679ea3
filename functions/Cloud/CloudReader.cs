using SakuraLb.Functions.Reconciling;
using SakuraLb.Reconcile;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Sakura;
using ReconcileRouter = SakuraLb.Reconcile.Observed.RouterNetwork;
using SakuraRouter = SakuraLb.Sakura.RouterNetwork;

namespace SakuraLb.Functions.Cloud;

/// <summary>A router as read from the API and as the core sees it.</summary>
public sealed record RouterInfo(SakuraRouter Wire, ReconcileRouter Router);

/// <summary>
/// The batched reads the controller makes, mapped into the core's records. Every method is one or two API
/// requests, whatever the number of Services: routers = 1 search + 1 read per router, a switch = 2 lists,
/// the cluster's load balancers = 1 search (with their settings).
/// </summary>
public sealed class CloudReader(ISakuraCloud cloud, ControllerSettings settings, RouterCache routerCache)
{
    /// <summary>
    /// Every router+switch carrying the controller's router tags (a Service's selector narrows it later), at
    /// most <see cref="Options.ReconcileOptions.RouterCacheDuration"/> old.
    /// </summary>
    public Task<IReadOnlyList<RouterInfo>> RoutersAsync(CancellationToken cancellationToken) =>
        routerCache.GetAsync(ReadRoutersAsync, cancellationToken);

    private async Task<IReadOnlyList<RouterInfo>> ReadRoutersAsync(CancellationToken cancellationToken)
    {
        var routers = await cloud.FindRouterNetworksAsync(new RouterQuery(Tags: settings.RouterTags), cancellationToken);
        return [.. routers.Select(r => CloudMapper.ToRouter(r) is { } mapped ? new RouterInfo(r, mapped) : null).OfType<RouterInfo>()];
    }

    /// <summary>Servers, appliances and used addresses on a router's switch: two list requests.</summary>
    public async Task<SwitchView> SwitchAsync(RouterInfo router, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(router);
        var switchId = router.Router.SwitchId;
        var servers = await cloud.ListServersOnSwitchAsync(switchId, cancellationToken);
        var appliances = await cloud.ListAppliancesOnSwitchAsync(switchId, cancellationToken);
        return new SwitchView(
            switchId,
            [.. servers.Select(CloudMapper.ToCloudServer)],
            [.. appliances.Where(IsLoadBalancer).Select(CloudMapper.ToObserved)],
            UsedAddresses.Collect(router.Router, servers, appliances, router.Wire.NextHops));
    }

    /// <summary>Load balancers named as this Service's (ours, adoptable or foreign): one search.</summary>
    public async Task<IReadOnlyList<ObservedLoadBalancer>> ByNameAsync(string serviceUid, CancellationToken cancellationToken) =>
        [.. (await cloud.FindLoadBalancersByNameAsync(LoadBalancerNaming.Name(serviceUid), cancellationToken)).Select(CloudMapper.ToObserved)];

    /// <summary>Load balancers carrying this cluster's tag and this Service's UID tag: one search.</summary>
    public async Task<IReadOnlyList<ObservedLoadBalancer>> ByUidTagAsync(string serviceUid, CancellationToken cancellationToken) =>
        [.. (await cloud.FindLoadBalancersByTagsAsync(
            [LoadBalancerNaming.ClusterTagPrefix + settings.ClusterId, LoadBalancerNaming.ServiceUidTagPrefix + serviceUid],
            cancellationToken)).Select(CloudMapper.ToObserved)];

    /// <summary>Every load balancer tagged with this cluster, with settings: one search.</summary>
    public async Task<IReadOnlyList<ObservedLoadBalancer>> ClusterLoadBalancersAsync(CancellationToken cancellationToken) =>
        [.. (await cloud.FindLoadBalancersByTagsAsync([LoadBalancerNaming.ClusterTagPrefix + settings.ClusterId], cancellationToken))
            .Select(CloudMapper.ToObserved)];

    private static bool IsLoadBalancer(Sakura.Wire.SakuraAppliance appliance) =>
        string.Equals(appliance.Class, "loadbalancer", StringComparison.OrdinalIgnoreCase);
}
