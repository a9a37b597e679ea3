using System.Text.Json.Nodes;
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
            foreach (var nic in server.Interfaces.Where(n => n.SwitchId == switchId && n.Address is not null))
            {
                used.TryAdd(nic.Address!.Value, $"server {server.Id} ({server.Name})");
            }
        }

        foreach (var appliance in state.Appliances.Values.Where(a => a.IsConnectedTo(switchId) && a.Id != exceptApplianceId))
        {
            foreach (var address in AddressesOn(appliance, switchId))
            {
                used.TryAdd(address, $"appliance {appliance.Id} ({appliance.Name})");
            }
        }

        return used;
    }

    /// <summary>
    /// The addresses an appliance holds on a switch: a load balancer's own addresses and VIPs; for a seeded
    /// appliance, its NICs' addresses on that switch, a VPC router's interface settings of those NICs
    /// (addresses, virtual address, aliases) and a database's <c>Remark.Servers</c>.
    /// </summary>
    public static IEnumerable<Ipv4> AddressesOn(ApplianceRecord appliance, long switchId)
    {
        if (appliance.IsLoadBalancer)
        {
            return appliance.SwitchId == switchId
                ? appliance.IpAddresses.Concat(appliance.StoredSettings.Vips.Select(v => v.VirtualIpAddress))
                : [];
        }

        var texts = new List<string?>();
        var body = appliance.RawBody!;
        var nics = body["Interfaces"] as JsonArray ?? [];
        var routerInterfaces = JsonRead.GetObject(JsonRead.GetObject(body, "Settings"), "Router")?["Interfaces"] as JsonArray;
        for (var i = 0; i < nics.Count; i++)
        {
            if (nics[i] is not JsonObject nic || !JsonRead.TryGetId(JsonRead.GetObject(nic, "Switch")?["ID"], out var id) || id != switchId)
            {
                continue;
            }

            texts.Add(JsonRead.GetString(nic["UserIPAddress"]));
            texts.Add(JsonRead.GetString(nic["IPAddress"]));
            if (routerInterfaces is not null && i < routerInterfaces.Count && routerInterfaces[i] is JsonObject settings)
            {
                texts.AddRange((settings["IPAddress"] as JsonArray ?? []).Select(JsonRead.GetString));
                texts.Add(JsonRead.GetString(settings["VirtualIPAddress"]));
                texts.AddRange((settings["IPAliases"] as JsonArray ?? []).Select(JsonRead.GetString));
            }
        }

        if (appliance.SwitchId == switchId && JsonRead.GetObject(body, "Remark")?["Servers"] is JsonArray servers)
        {
            texts.AddRange(servers.OfType<JsonObject>().Select(s => JsonRead.GetString(s["IPAddress"])));
        }

        return texts.Select(t => Ipv4.TryParse(t, out var a) ? a : (Ipv4?)null).OfType<Ipv4>().Distinct().ToList();
    }
}
