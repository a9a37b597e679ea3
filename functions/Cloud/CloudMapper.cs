using System.Globalization;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Sakura;
using SakuraLb.Sakura.Wire;
using ReconcileRouter = SakuraLb.Reconcile.Observed.RouterNetwork;
using SakuraRouter = SakuraLb.Sakura.RouterNetwork;
using WireAvailability = SakuraLb.Sakura.Wire.Availability;
using WireInstanceStatus = SakuraLb.Sakura.Wire.InstanceStatus;

namespace SakuraLb.Functions.Cloud;

/// <summary>
/// The Sakura client's wire records ↔ the reconcile core's records. Pure. Numbers and flags go to the
/// core in their wire spelling ("80", "True") because the core compares them semantically.
/// </summary>
public static class CloudMapper
{
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
            Availability = ToAvailability(appliance.Availability),
            InstanceStatus = ToInstanceStatus(appliance.InstanceStatus),
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

    /// <summary>The router as the core needs it; null when its switch has no usable primary block.</summary>
    public static ReconcileRouter? ToRouter(SakuraRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (router.PrimarySubnet is not { } subnet
            || !Ipv4Address.TryParse(subnet.NetworkAddress.ToString(), out var network)
            || !Ipv4Address.TryParse(subnet.DefaultRoute.ToString(), out var gateway)
            || !Ipv4Address.TryParse(subnet.AssignableMin.ToString(), out var min)
            || !Ipv4Address.TryParse(subnet.AssignableMax.ToString(), out var max)
            || subnet.NetworkMaskLen is < 0 or > 32
            || min > max)
        {
            return null;
        }

        return new ReconcileRouter
        {
            Id = router.InternetId ?? 0,
            Name = router.Name ?? router.SwitchId.ToString(CultureInfo.InvariantCulture),
            Tags = router.Tags,
            SwitchId = router.SwitchId,
            Block = new Ipv4Block(network, subnet.NetworkMaskLen),
            DefaultRoute = gateway,
            AssignableRange = new Ipv4Range(min, max),
        };
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
                IPAddress = i.IPAddress,
                UserIPAddress = i.UserIPAddress,
            })],
        };
    }

    /// <summary>The core's VIP settings in the API's shape.</summary>
    public static IReadOnlyList<LoadBalancerVip> ToWire(IReadOnlyList<VipSetting> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. settings.Select(v => new LoadBalancerVip
        {
            VirtualIPAddress = v.VirtualIPAddress.ToString(),
            Port = v.Port,
            DelayLoop = v.DelayLoopSeconds,
            SorryServer = v.SorryServer?.ToString() ?? "",
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

    public static LoadBalancerCreateRequest ToCreateRequest(LoadBalancerCreation creation)
    {
        ArgumentNullException.ThrowIfNull(creation);
        return new LoadBalancerCreateRequest
        {
            Name = creation.Name,
            Description = creation.Description,
            Tags = creation.Tags,
            Plan = creation.Plan == Reconcile.Desired.LoadBalancerPlan.Premium ? Sakura.LoadBalancerPlan.HighSpec : Sakura.LoadBalancerPlan.Standard,
            SwitchId = creation.SwitchId,
            Vrid = creation.Vrid,
            NetworkMaskLen = creation.NetworkMaskLen,
            DefaultRoute = creation.DefaultRoute.ToString(),
            IPAddresses = [.. creation.OwnAddresses.Select(a => a.ToString())],
            VirtualIPAddresses = ToWire(creation.Settings),
        };
    }

    public static ApplianceAvailability ToAvailability(WireAvailability availability) => availability switch
    {
        WireAvailability.Available => ApplianceAvailability.Available,
        WireAvailability.Migrating => ApplianceAvailability.Migrating,
        WireAvailability.Failed => ApplianceAvailability.Failed,
        WireAvailability.Uploading => ApplianceAvailability.Uploading,
        WireAvailability.Transfering => ApplianceAvailability.Transferring,
        WireAvailability.Discontinued => ApplianceAvailability.Discontinued,
        _ => ApplianceAvailability.Unknown,
    };

    public static Reconcile.Observed.InstanceStatus ToInstanceStatus(WireInstanceStatus status) => status switch
    {
        WireInstanceStatus.Up => Reconcile.Observed.InstanceStatus.Up,
        WireInstanceStatus.Down => Reconcile.Observed.InstanceStatus.Down,
        WireInstanceStatus.Cleaning => Reconcile.Observed.InstanceStatus.Cleaning,
        _ => Reconcile.Observed.InstanceStatus.Unknown,
    };

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
