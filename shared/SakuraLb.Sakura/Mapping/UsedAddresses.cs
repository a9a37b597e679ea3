using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Mapping;

/// <summary>
/// Every address in use inside a load balancer's network (a router's block, or a switch-type Service's
/// network on a plain switch): server NICs on its switch, every appliance's own addresses, VIPs and interface
/// addresses (load balancers, VPC routers with their aliases, databases; any owner), and a router's next hops.
/// Pure. Addresses outside the network are dropped: they cannot collide with an allocation there.
/// </summary>
internal static class UsedAddresses
{
    public static IReadOnlySet<Ipv4Address> Collect(
        LoadBalancerNetwork network,
        IEnumerable<SakuraServer> servers,
        IEnumerable<SakuraAppliance> appliances)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(appliances);
        var used = new HashSet<Ipv4Address>();
        void Add(string? text)
        {
            if (Ipv4Address.TryParse(text?.Trim(), out var address) && network.Block.Contains(address))
            {
                used.Add(address);
            }
        }

        foreach (var server in servers.Where(s => s is not null))
        {
            foreach (var nic in server.Interfaces.Where(n => n?.Switch?.Id == network.SwitchId))
            {
                Add(nic.UserIPAddress);
                Add(nic.IPAddress);
            }
        }

        foreach (var appliance in appliances.Where(a => a is not null))
        {
            foreach (var own in appliance.Remark?.Servers ?? [])
            {
                Add(own.IPAddress);
            }

            foreach (var vip in appliance.VirtualIPAddresses)
            {
                Add(vip.VirtualIPAddress);
            }

            foreach (var nic in appliance.Interfaces)
            {
                Add(nic.UserIPAddress);
                Add(nic.IPAddress);
            }

            foreach (var setting in appliance.Settings?.Router?.Interfaces ?? [])
            {
                if (setting is null)
                {
                    continue;
                }

                Add(setting.VirtualIPAddress);
                foreach (var ip in setting.IPAddress.Concat(setting.IPAliases))
                {
                    Add(ip);
                }
            }
        }

        if (network is RouterNetwork router)
        {
            used.UnionWith(router.NextHops.Where(router.Block.Contains));
        }

        return used;
    }
}
