using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Planning;

namespace SakuraLb.Sakura.Tests.Integration;

/// <summary>The steps the controller takes, written once for the integration tests.</summary>
internal static class LoadBalancerSteps
{
    public static async Task<RouterNetwork> DefaultRouterAsync(ISakuraCloud cloud)
    {
        var routers = await cloud.FindRoutersAsync(new RouterQuery(Tags: ["@k8s"]), CancellationToken.None);
        return Assert.Single(routers);
    }

    /// <summary>Free addresses of the router's primary block: the assignable range minus every address in use on the switch.</summary>
    public static async Task<IReadOnlyList<Ipv4Address>> FreeAddressesAsync(ISakuraCloud cloud, RouterNetwork router)
    {
        var view = await cloud.ReadSwitchAsync(router, CancellationToken.None);
        return [.. router.AssignableRange.Addresses().Where(a => !view.InUse.Contains(a))];
    }

    /// <summary>A single load balancer on the default router with the first free address; the second free one is its VIP to use.</summary>
    public static async Task<(ObservedLoadBalancer Lb, Ipv4Address Vip)> CreateAsync(
        ISakuraCloud cloud, string name, IReadOnlyList<string> tags, int vrid, IReadOnlyList<VipSetting>? vips = null)
    {
        var router = await DefaultRouterAsync(cloud);
        var free = await FreeAddressesAsync(cloud, router);
        var lb = await cloud.CreateLoadBalancerAsync(Creation(router, name, tags, vrid, [free[0]], free[1], vips ?? []), CancellationToken.None);
        return (lb, free[1]);
    }

    public static LoadBalancerCreation Creation(
        RouterNetwork router,
        string name,
        IReadOnlyList<string> tags,
        int vrid,
        IReadOnlyList<Ipv4Address> own,
        Ipv4Address vip,
        IReadOnlyList<VipSetting> settings,
        LoadBalancerPlan plan = LoadBalancerPlan.Standard) => new()
        {
            Name = name,
            Description = "",
            Tags = tags,
            Plan = plan,
            HighAvailability = own.Count == 2,
            SwitchId = router.SwitchId,
            NetworkMaskLen = router.Block.PrefixLength,
            DefaultRoute = router.DefaultRoute,
            Vrid = vrid,
            OwnAddresses = own,
            Vip = vip,
            Settings = settings,
        };

    public static Task<ObservedLoadBalancer?> WaitUntilUpAsync(ISakuraCloud cloud, long id) =>
        Eventually.UntilAsync(
            () => cloud.GetLoadBalancerAsync(id, CancellationToken.None),
            a => a is { Availability: ApplianceAvailability.Available, InstanceStatus: InstanceStatus.Up },
            $"appliance {id} to be up");

    public static Task<ObservedLoadBalancer?> WaitForStatusAsync(ISakuraCloud cloud, long id, InstanceStatus status) =>
        Eventually.UntilAsync(
            () => cloud.GetLoadBalancerAsync(id, CancellationToken.None),
            a => a?.InstanceStatus == status,
            $"appliance {id} to be {status}");

    public static VipSetting Vip(Ipv4Address vip, int port, params string[] servers) =>
        new(vip, port, 10, null, [.. servers.Select(ip => new RealServerSetting(Ipv4Address.Parse(ip), port, true, HealthCheckSpec.Ping))]);
}
