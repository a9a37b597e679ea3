using SakuraSim.Model;
using SakuraSim.Wire;

namespace SakuraSim.Validation;

/// <summary>
/// Address rules that need the rest of the zone: an LB on a router+switch must use assignable
/// addresses of the router's block (never its reserved ones); with the optional clash check no
/// address may already be used on the switch by a server or another appliance.
/// </summary>
internal static class AddressRules
{
    public static void Check(
        SimState state,
        SwitchRecord sw,
        IReadOnlyList<Ipv4> ownAddresses,
        LbSettings settings,
        long? applianceId,
        bool clashCheck)
    {
        var errors = new List<string>();
        var vips = settings.Vips.Select(v => v.VirtualIpAddress).Distinct().ToList();
        if (state.RouterOfSwitch(sw) is { } router)
        {
            var subnet = router.Subnet;
            foreach (var address in ownAddresses.Concat(vips).Distinct())
            {
                if (!subnet.Block.Contains(address))
                {
                    errors.Add($"IP address {address} is outside the block {subnet.Block} of router+switch {router.Id}");
                }
                else if (subnet.ReservedRole(address) is { } role)
                {
                    errors.Add($"IP address {address} is reserved in block {subnet.Block} ({role}); assignable addresses are {subnet.AssignableMin}-{subnet.AssignableMax}");
                }
            }
        }

        if (clashCheck)
        {
            var used = UsedAddresses(state, sw.Id, applianceId);
            foreach (var address in ownAddresses.Concat(vips).Distinct())
            {
                if (used.TryGetValue(address, out var owner))
                {
                    errors.Add($"IP address {address} is already used by {owner}");
                }
            }

            foreach (var vip in vips.Where(ownAddresses.Contains))
            {
                errors.Add($"VirtualIPAddress {vip} is also an address of the load balancer itself");
            }
        }

        if (errors.Count > 0)
        {
            throw SakuraApiException.BadRequest(errors);
        }
    }

    private static Dictionary<Ipv4, string> UsedAddresses(SimState state, long switchId, long? exceptApplianceId)
    {
        var used = new Dictionary<Ipv4, string>();
        foreach (var server in state.Servers.Values)
        {
            foreach (var nic in server.Interfaces.Where(n => n.SwitchId == switchId && n.UserIpAddress is not null))
            {
                used.TryAdd(nic.UserIpAddress!.Value, $"server {server.Id} ({server.Name})");
            }
        }

        foreach (var appliance in state.Appliances.Values.Where(a => a.SwitchId == switchId && a.Id != exceptApplianceId))
        {
            foreach (var address in appliance.IpAddresses.Concat(appliance.StoredSettings.Vips.Select(v => v.VirtualIpAddress)))
            {
                used.TryAdd(address, $"appliance {appliance.Id} ({appliance.Name})");
            }
        }

        return used;
    }
}
