using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Mapping;

/// <summary>
/// Every address in use inside a router's block: server NICs on its switch, every appliance's own addresses,
/// VIPs and interface addresses (load balancers, VPC routers, databases), and the router's next hops.
/// Pure. Addresses outside the block are dropped: they cannot collide with an allocation there.
/// </summary>
internal static class UsedAddresses
{
    public static IReadOnlySet<Ipv4Address> Collect(
        RouterNetwork router,
        IEnumerable<SakuraServer> servers,
        IEnumerable<SakuraAppliance> appliances)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(appliances);
        var used = new HashSet<Ipv4Address>();
        void Add(string? text)
        {
            if (Ipv4Address.TryParse(text?.Trim(), out var address) && router.Block.Contains(address))
            {
                used.Add(address);
            }
        }

        foreach (var server in servers.Where(s => s is not null))
        {
            foreach (var nic in server.Interfaces.Where(n => n?.Switch?.Id == router.SwitchId))
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
                foreach (var ip in setting.IPAddress)
                {
                    Add(ip);
                }
            }
        }

        used.UnionWith(router.NextHops.Where(router.Block.Contains));
        return used;
    }
}
