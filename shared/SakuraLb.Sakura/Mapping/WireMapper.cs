using System.Globalization;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Mapping;

/// <summary>
/// The API's records ↔ the planner's. Pure. Numbers and flags go to the planner in their wire spelling
/// ("80", "True") because the planner compares them semantically.
/// </summary>
internal static class WireMapper
{
    /// <summary>The class name of load balancers among appliances.</summary>
    public const string LoadBalancerClass = "loadbalancer";

    public static bool IsLoadBalancer(SakuraAppliance appliance) =>
        string.Equals(appliance.Class, LoadBalancerClass, StringComparison.OrdinalIgnoreCase);

    public static ObservedLoadBalancer ToObserved(SakuraAppliance appliance)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var remark = appliance.Remark;
        return new ObservedLoadBalancer
        {
            Id = appliance.Id,
            Name = appliance.Name ?? "",
            Description = appliance.Description ?? "",
            Tags = appliance.Tags,
            Availability = appliance.Availability,
            InstanceStatus = appliance.InstanceStatus,
            SwitchId = remark?.Switch?.Id ?? appliance.Switch?.Id,
            Vrid = remark?.Vrrp?.Vrid,
            OwnIps = [.. (remark?.Servers ?? []).Select(s => s.IPAddress).Where(ip => !string.IsNullOrWhiteSpace(ip)).Select(ip => ip!)],
            PlanId = (int)(appliance.Plan?.Id ?? remark?.Plan?.Id ?? 1),
            NetworkMaskLen = remark?.Network?.NetworkMaskLen,
            DefaultRoute = remark?.Network?.DefaultRoute,
            Vips = [.. appliance.VirtualIPAddresses.Select(ToObserved)],
            SettingsHash = appliance.SettingsHash,
        };
    }

    public static ObservedVip ToObserved(LoadBalancerVip vip)
    {
        ArgumentNullException.ThrowIfNull(vip);
        return new ObservedVip
        {
            VirtualIPAddress = vip.VirtualIPAddress ?? "",
            Port = Text(vip.Port) ?? "",
            DelayLoop = Text(vip.DelayLoop),
            SorryServer = vip.SorryServer,
            Description = vip.Description,
            Servers = [.. vip.Servers.Select(s => new ObservedRealServer
            {
                IPAddress = s.IPAddress ?? "",
                Port = Text(s.Port) ?? "",
                Enabled = s.Enabled ? "True" : "False",
                HealthCheck = s.HealthCheck is null ? null : new ObservedHealthCheck
                {
                    Protocol = s.HealthCheck.Protocol,
                    Path = s.HealthCheck.Path,
                    Status = Text(s.HealthCheck.Status),
                    Retry = Text(s.HealthCheck.Retry),
                    ConnectTimeout = Text(s.HealthCheck.ConnectTimeout),
                },
            })],
        };
    }

    /// <summary>
    /// A router+switch as the planner needs it, from its switch read in full (only that carries the assignable
    /// range) and, if read, the router itself. Null when the switch has no usable primary block (a plain switch,
    /// or a block without an assignable range): the primary block is the one without a next hop.
    /// </summary>
    public static RouterNetwork? ToRouter(SakuraSwitch routerSwitch, SakuraInternet? router) =>
        ToRouter(routerSwitch, router, deriveRange: false);

    /// <summary>
    /// A router as the planner needs it from the search answer alone: its reduced switch view carries the blocks
    /// (network, mask, gateway, next hops) but not the assignable range, which is then the block less its reserved
    /// addresses (the first four and the broadcast, as the API documents and every real switch read shows). Null when
    /// the answer lacks the primary block's fields: then the switch must be read (<see cref="ToRouter(SakuraSwitch, SakuraInternet?)"/>).
    /// </summary>
    public static RouterNetwork? ToRouter(SakuraInternet router)
    {
        ArgumentNullException.ThrowIfNull(router);
        return router.Switch is { Id: > 0 } reduced ? ToRouter(reduced, router, deriveRange: true) : null;
    }

    private static RouterNetwork? ToRouter(SakuraSwitch routerSwitch, SakuraInternet? router, bool deriveRange)
    {
        ArgumentNullException.ThrowIfNull(routerSwitch);
        var primary = routerSwitch.Subnets
            .Where(s => string.IsNullOrWhiteSpace(s.NextHop))
            .Select(s => ToPrimaryBlock(s, deriveRange))
            .FirstOrDefault(b => b is not null);
        if (primary is null)
        {
            return null;
        }

        return new RouterNetwork
        {
            Id = router?.Id ?? routerSwitch.Internet?.Id ?? 0,
            Name = router?.Name ?? routerSwitch.Name ?? routerSwitch.Id.ToString(CultureInfo.InvariantCulture),
            Tags = router?.Tags ?? routerSwitch.Tags,
            SwitchId = routerSwitch.Id,
            Block = primary.Block,
            DefaultRoute = primary.DefaultRoute,
            AssignableRange = primary.AssignableRange,
            NextHops = Ipv4Address.ParseAll(routerSwitch.Subnets.Select(s => s.NextHop)),
        };
    }

    /// <summary>
    /// A plain user switch as the planner needs it; null for the switch of a router+switch (it has a router or
    /// address blocks) and for the shared segment, where no switch-type load balancer can go.
    /// </summary>
    public static PlainSwitch? ToPlainSwitch(SakuraSwitch sakuraSwitch)
    {
        ArgumentNullException.ThrowIfNull(sakuraSwitch);
        var isPlain = sakuraSwitch.Id > 0
            && sakuraSwitch.Internet is null
            && sakuraSwitch.Subnets.Count == 0
            && sakuraSwitch.Subnet is null
            && !string.Equals(sakuraSwitch.Scope, "shared", StringComparison.OrdinalIgnoreCase);
        return isPlain
            ? new PlainSwitch(sakuraSwitch.Id, sakuraSwitch.Name ?? sakuraSwitch.Id.ToString(CultureInfo.InvariantCulture), sakuraSwitch.Tags)
            : null;
    }

    public static CloudServer ToCloudServer(SakuraServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new CloudServer
        {
            Id = server.Id,
            Name = server.Name ?? "",
            Nics = [.. server.Interfaces.Select(i => new CloudServerNic
            {
                SwitchId = i.Switch?.Id,
                SharedSegment = string.Equals(i.Switch?.Scope, "shared", StringComparison.Ordinal),
                IPAddress = i.IPAddress,
                UserIPAddress = i.UserIPAddress,
            })],
            HostName = string.IsNullOrWhiteSpace(server.HostName) ? null : server.HostName,
            Zone = string.IsNullOrWhiteSpace(server.Zone?.Name) ? null : server.Zone.Name,
            PowerState = server.InstanceStatus,
            Plan = server.ServerPlan is { } plan
                ? new CloudServerPlan
                {
                    Cpu = plan.Cpu ?? 0,
                    MemoryMB = plan.MemoryMB ?? 0,
                    Gpu = plan.Gpu ?? 0,
                    Generation = plan.Generation ?? 0,
                    Commitment = plan.Commitment,
                }
                : null,
        };
    }

    /// <summary>The planner's VIP settings in the API's shape (<c>Settings.LoadBalancer</c>).</summary>
    public static IReadOnlyList<LoadBalancerVip> ToWire(IReadOnlyList<VipSetting> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. settings.Select(v => new LoadBalancerVip
        {
            VirtualIPAddress = v.VirtualIPAddress.ToString(),
            Port = v.Port,
            DelayLoop = v.DelayLoopSeconds,
            // Left out when there is none: both official clients omit it rather than send "".
            SorryServer = v.SorryServer?.ToString(),
            Description = "",
            Servers = [.. v.Servers.Select(s => new LoadBalancerRealServer
            {
                IPAddress = s.IPAddress.ToString(),
                Port = s.Port,
                Enabled = s.Enabled,
                HealthCheck = new LoadBalancerHealthCheck
                {
                    Protocol = s.HealthCheck.WireProtocol,
                    Path = s.HealthCheck.IsHttp ? s.HealthCheck.Path ?? "/" : null,
                    Status = s.HealthCheck.IsHttp ? s.HealthCheck.Status ?? 200 : null,
                    Retry = s.HealthCheck.Retry,
                    ConnectTimeout = s.HealthCheck.ConnectTimeoutSeconds,
                },
            })],
        })];
    }

    /// <summary>
    /// The <c>POST /appliance</c> body for a planned load balancer. The plan is given twice (<c>Plan</c> and
    /// <c>Remark.Plan</c>), as the API expects; tags are sent sorted and without duplicates, as the official
    /// clients send them.
    /// </summary>
    public static ApplianceCreateBody ToCreateBody(LoadBalancerCreation creation)
    {
        ArgumentNullException.ThrowIfNull(creation);
        var plan = new IdRef { Id = creation.Plan == LoadBalancerPlan.Premium ? 2 : 1 };
        return new ApplianceCreateBody
        {
            Class = LoadBalancerClass,
            Name = creation.Name,
            Description = creation.Description,
            Tags = NormalizeTags(creation.Tags),
            Plan = plan,
            Remark = new ApplianceRemark
            {
                Switch = new IdRef { Id = creation.SwitchId },
                Vrrp = new VrrpRemark { Vrid = creation.Vrid },
                Network = new NetworkRemark { NetworkMaskLen = creation.NetworkMaskLen, DefaultRoute = creation.DefaultRoute?.ToString() },
                Servers = [.. creation.OwnAddresses.Select(ip => new RemarkServer { IPAddress = ip.ToString() })],
                Plan = plan,
            },
            Settings = new ApplianceSettings { LoadBalancer = ToWire(creation.Settings) },
        };
    }

    public static VipHealth ToHealth(LoadBalancerVipStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new VipHealth(
            status.VirtualIPAddress ?? "",
            status.Port,
            status.Cps,
            [.. status.Servers.Select(s => new RealServerHealth(s.IPAddress ?? "", s.Port, s.IsUp, s.ActiveConn, s.Cps))]);
    }

    public static AccessInfo ToAccessInfo(AuthStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new AccessInfo(status.Account?.Id, status.Account?.Name, status.Permission, status.IsApiKey);
    }

    /// <summary>Sorted, without duplicates or empty entries.</summary>
    public static IReadOnlyList<string> NormalizeTags(IEnumerable<string> tags) =>
        [.. tags.Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>A block with every part the planner needs, or null when any is missing or not an address.</summary>
    /// <summary>
    /// The primary block of a router's switch; its assignable range as the API gives it, or, when
    /// <paramref name="deriveRange"/> and the answer has none (the reduced view), the block less the network, the
    /// gateway, the two router addresses and the broadcast. A range the API gives always wins.
    /// </summary>
    private static PrimaryBlock? ToPrimaryBlock(SwitchSubnet subnet, bool deriveRange)
    {
        if (!Ipv4Address.TryParse(subnet.NetworkAddress, out var network)
            || subnet.NetworkMaskLen is not (>= 0 and <= 32)
            || !Ipv4Address.TryParse(subnet.DefaultRoute, out var gateway))
        {
            return null;
        }

        var block = new Ipv4Block(network, subnet.NetworkMaskLen.Value);
        if (subnet.IPAddresses is null && deriveRange)
        {
            var (first, last) = (block.Network.Add(4), block.Broadcast.Add(-1));
            return first <= last && block.Contains(first) ? new PrimaryBlock(block, gateway, new Ipv4Range(first, last)) : null;
        }

        return Ipv4Address.TryParse(subnet.IPAddresses?.Min, out var min)
            && Ipv4Address.TryParse(subnet.IPAddresses?.Max, out var max)
            && min <= max
                ? new PrimaryBlock(block, gateway, new Ipv4Range(min, max))
                : null;
    }

    private sealed record PrimaryBlock(Ipv4Block Block, Ipv4Address DefaultRoute, Ipv4Range AssignableRange);
}
