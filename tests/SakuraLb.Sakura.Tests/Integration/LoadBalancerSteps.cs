using System.Net;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Tests.Integration;

/// <summary>The steps the controller takes, written once for the integration tests.</summary>
internal static class LoadBalancerSteps
{
    public static async Task<RouterNetwork> DefaultRouterAsync(ISakuraCloud cloud)
    {
        var routers = await cloud.FindRouterNetworksAsync(new RouterQuery(Tags: ["@k8s"]), CancellationToken.None);
        return Assert.Single(routers);
    }

    /// <summary>Free addresses of the router's primary block: the range minus every address in use on the switch.</summary>
    public static async Task<IReadOnlyList<string>> FreeAddressesAsync(ISakuraCloud cloud, RouterNetwork router)
    {
        var subnet = Assert.IsType<RouterSubnet>(router.PrimarySubnet);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in await cloud.ListServersOnSwitchAsync(router.SwitchId, CancellationToken.None))
        {
            used.UnionWith(server.Interfaces.Select(i => i.UserIPAddress ?? i.IPAddress).OfType<string>());
        }

        foreach (var appliance in await cloud.ListAppliancesOnSwitchAsync(router.SwitchId, CancellationToken.None))
        {
            used.UnionWith(appliance.Remark?.Servers.Select(s => s.IPAddress).OfType<string>() ?? []);
            used.UnionWith(appliance.VirtualIPAddresses.Select(v => v.VirtualIPAddress).OfType<string>());
        }

        var free = new List<string>();
        for (var ip = ToUInt(subnet.AssignableMin); ip <= ToUInt(subnet.AssignableMax); ip++)
        {
            var text = FromUInt(ip);
            if (!used.Contains(text))
            {
                free.Add(text);
            }
        }

        return free;
    }

    public static async Task<(SakuraAppliance Lb, string Vip)> CreateAsync(
        ISakuraCloud cloud, string name, IReadOnlyList<string> tags, int vrid, IReadOnlyList<LoadBalancerVip>? vips = null)
    {
        var router = await DefaultRouterAsync(cloud);
        var free = await FreeAddressesAsync(cloud, router);
        var subnet = router.PrimarySubnet!;
        var vip = free[1];
        var lb = await cloud.CreateLoadBalancerAsync(
            new LoadBalancerCreateRequest
            {
                Name = name,
                Tags = tags,
                SwitchId = router.SwitchId,
                Vrid = vrid,
                NetworkMaskLen = subnet.NetworkMaskLen,
                DefaultRoute = subnet.DefaultRoute.ToString(),
                IPAddresses = [free[0]],
                VirtualIPAddresses = vips ?? [],
            },
            CancellationToken.None);
        return (lb, vip);
    }

    public static Task<SakuraAppliance?> WaitUntilUpAsync(ISakuraCloud cloud, long id) =>
        Poll.UntilAsync(
            () => cloud.GetApplianceAsync(id, CancellationToken.None),
            a => a is { Availability: Availability.Available, InstanceStatus: InstanceStatus.Up },
            $"appliance {id} to be up");

    public static LoadBalancerVip Vip(string vip, int port, params string[] servers) => new()
    {
        VirtualIPAddress = vip,
        Port = port,
        DelayLoop = 10,
        Servers = [.. servers.Select(ip => new LoadBalancerRealServer
        {
            IPAddress = ip,
            Port = port,
            Enabled = true,
            HealthCheck = new LoadBalancerHealthCheck { Protocol = "ping" },
        })],
    };

    private static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    private static string FromUInt(uint value) =>
        new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]).ToString();
}
