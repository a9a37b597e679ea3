using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SakuraSim.Lifecycle;
using SakuraSim.Model;

namespace SakuraSim.Wire;

/// <summary>
/// Turns simulator records into the API's wire objects, with the real field names and
/// value types. IDs are always written as numbers here; <see cref="WireFormat.StringifyBigIds"/>
/// converts them per request.
/// </summary>
internal sealed class ResourceRenderer(SimState state)
{
    public static JsonObject Zone(string zoneName)
    {
        var zone = Zones.Find(zoneName) ?? throw new InvalidOperationException($"Unknown zone {zoneName}.");
        return new JsonObject
        {
            ["ID"] = zone.Id,
            ["Name"] = zone.Name,
            ["Description"] = zone.Description,
            ["Region"] = new JsonObject { ["ID"] = zone.RegionId, ["Name"] = zone.RegionName },
        };
    }

    private static string RouterServiceClass(RouterRecord router) =>
        string.Create(CultureInfo.InvariantCulture, $"cloud/internet/router/{router.BandWidthMbps}m");

    private static string BlockServiceClass(RouterSubnet subnet) =>
        string.Create(CultureInfo.InvariantCulture, $"cloud/global-ipaddress-v4/{subnet.Block.MaskLength}");

    public JsonObject Internet(RouterRecord router)
    {
        var sw = state.Switches[router.SwitchId];
        return new JsonObject
        {
            ["ID"] = router.Id,
            ["Name"] = router.Name,
            ["Description"] = router.Description,
            ["Tags"] = WireFormat.Strings(router.Tags),
            ["Icon"] = null,
            ["CreatedAt"] = WireFormat.Timestamp(router.CreatedAt),
            ["Scope"] = "user",
            ["ServiceClass"] = RouterServiceClass(router),
            ["BandWidthMbps"] = router.BandWidthMbps,
            ["NetworkMaskLen"] = router.Subnet.Block.MaskLength,
            ["Zone"] = Zone(router.Zone),
            ["Switch"] = new JsonObject
            {
                ["ID"] = sw.Id,
                ["Name"] = sw.Name,
                ["Scope"] = "user",
                ["UserSubnet"] = null,
                ["HybridConnection"] = null,
                // The reduced view: no IPAddresses range here (read the switch for it).
                ["Subnets"] = new JsonArray(new JsonObject
                {
                    ["ID"] = router.Subnet.Id,
                    ["NetworkAddress"] = router.Subnet.Block.Network.ToString(),
                    ["NetworkMaskLen"] = router.Subnet.Block.MaskLength,
                    ["DefaultRoute"] = router.Subnet.DefaultRoute.ToString(),
                    ["NextHop"] = null,
                    ["StaticRoute"] = null,
                }),
                ["IPv6Nets"] = new JsonArray(),
                ["Bridge"] = null,
            },
        };
    }

    public JsonObject Switch(SwitchRecord sw)
    {
        var router = state.RouterOfSwitch(sw);
        var subnets = new JsonArray();
        JsonObject? internet = null;
        if (router is not null)
        {
            subnets.Add(new JsonObject
            {
                ["ID"] = router.Subnet.Id,
                ["NetworkAddress"] = router.Subnet.Block.Network.ToString(),
                ["NetworkMaskLen"] = router.Subnet.Block.MaskLength,
                ["DefaultRoute"] = router.Subnet.DefaultRoute.ToString(),
                ["NextHop"] = null,
                ["StaticRoute"] = null,
                ["ServiceClass"] = BlockServiceClass(router.Subnet),
                ["IPAddresses"] = new JsonObject
                {
                    ["Min"] = router.Subnet.AssignableMin.ToString(),
                    ["Max"] = router.Subnet.AssignableMax.ToString(),
                },
                ["Internet"] = new JsonObject
                {
                    ["ID"] = router.Id,
                    ["Name"] = router.Name,
                    ["BandWidthMbps"] = router.BandWidthMbps,
                    ["ServiceClass"] = RouterServiceClass(router),
                },
            });
            internet = new JsonObject
            {
                ["ID"] = router.Id,
                ["Name"] = router.Name,
                ["BandWidthMbps"] = router.BandWidthMbps,
                ["Scope"] = "user",
                ["ServiceClass"] = RouterServiceClass(router),
            };
        }

        return new JsonObject
        {
            ["ID"] = sw.Id,
            ["Name"] = sw.Name,
            ["Description"] = sw.Description,
            ["Tags"] = WireFormat.Strings(sw.Tags),
            ["Icon"] = null,
            ["CreatedAt"] = WireFormat.Timestamp(sw.CreatedAt),
            ["ModifiedAt"] = WireFormat.Timestamp(sw.CreatedAt),
            ["Scope"] = "user",
            ["ServiceClass"] = "cloud/switch/default",
            ["ServerCount"] = state.Servers.Values.Count(s => s.Interfaces.Any(n => n.SwitchId == sw.Id)),
            ["ApplianceCount"] = state.Appliances.Values.Count(a => a.SwitchId == sw.Id),
            ["UserSubnet"] = UserSubnetNode(sw.UserSubnet),
            ["HybridConnection"] = null,
            ["Zone"] = Zone(sw.Zone),
            ["Subnets"] = subnets,
            ["IPv6Nets"] = new JsonArray(),
            ["Internet"] = internet,
            ["Bridge"] = null,
        };
    }

    private static JsonObject? UserSubnetNode(UserSubnet? userSubnet) => userSubnet is null
        ? null
        : new JsonObject
        {
            ["DefaultRoute"] = userSubnet.DefaultRoute.ToString(),
            ["NetworkMaskLen"] = userSubnet.NetworkMaskLen,
        };

    public static IEnumerable<Ipv4> AssignableAddresses(RouterSubnet subnet)
    {
        for (var a = subnet.AssignableMin; a <= subnet.AssignableMax; a = a.Add(1))
        {
            yield return a;
        }
    }

    public JsonObject Subnet(RouterRecord router) => new()
    {
        ["ID"] = router.Subnet.Id,
        ["ServiceClass"] = BlockServiceClass(router.Subnet),
        ["NetworkAddress"] = router.Subnet.Block.Network.ToString(),
        ["NetworkMaskLen"] = router.Subnet.Block.MaskLength,
        ["DefaultRoute"] = router.Subnet.DefaultRoute.ToString(),
        ["NextHop"] = null,
        ["StaticRoute"] = null,
        ["Switch"] = new JsonObject { ["ID"] = router.SwitchId, ["Internet"] = new JsonObject { ["ID"] = router.Id } },
        // An array here, unlike the {Min,Max} object of the same name on a switch.
        ["IPAddresses"] = new JsonArray(AssignableAddresses(router.Subnet)
            .Select(a => (JsonNode?)new JsonObject { ["HostName"] = null, ["IPAddress"] = a.ToString() })
            .ToArray()),
    };

    public JsonObject IpAddress(RouterRecord router, Ipv4 address)
    {
        var user = state.Servers.Values
            .SelectMany(s => s.Interfaces.Select(n => (Server: s, Nic: n)))
            .FirstOrDefault(x => x.Nic.SwitchId == router.SwitchId && x.Nic.UserIpAddress == address);
        return new JsonObject
        {
            ["HostName"] = "",
            ["IPAddress"] = address.ToString(),
            ["Interface"] = user.Nic is null
                ? null
                : new JsonObject
                {
                    ["ID"] = user.Nic.Id,
                    ["MACAddress"] = user.Nic.MacAddress,
                    ["IPAddress"] = null,
                    ["UserIPAddress"] = address.ToString(),
                    ["HostName"] = null,
                    ["Server"] = new JsonObject { ["ID"] = user.Server.Id, ["Name"] = user.Server.Name },
                },
            ["Subnet"] = new JsonObject
            {
                ["ID"] = router.Subnet.Id,
                ["NetworkAddress"] = router.Subnet.Block.Network.ToString(),
                ["NetworkMaskLen"] = router.Subnet.Block.MaskLength,
                ["DefaultRoute"] = router.Subnet.DefaultRoute.ToString(),
            },
        };
    }

    public JsonObject Server(ServerRecord server) => new()
    {
        ["ID"] = server.Id,
        ["Name"] = server.Name,
        ["HostName"] = server.HostName,
        ["Description"] = server.Description,
        ["Tags"] = WireFormat.Strings(server.Tags),
        ["Icon"] = null,
        ["CreatedAt"] = WireFormat.Timestamp(server.CreatedAt),
        ["Availability"] = "available",
        ["ServiceClass"] = "cloud/plan/2core-4gb",
        ["InterfaceDriver"] = "virtio",
        ["ServerPlan"] = new JsonObject
        {
            ["ID"] = 100002004,
            ["Name"] = "プラン/2Core-4GB",
            ["CPU"] = 2,
            ["MemoryMB"] = 4096,
            ["ServiceClass"] = "cloud/plan/2core-4gb",
            ["Generation"] = 200,
            ["Commitment"] = "standard",
        },
        ["Zone"] = Zone(server.Zone),
        ["Instance"] = new JsonObject
        {
            ["Status"] = server.IsUp ? "up" : "down",
            ["BeforeStatus"] = server.IsUp ? "down" : "up",
            ["StatusChangedAt"] = WireFormat.Timestamp(server.StatusChangedAt),
        },
        ["Interfaces"] = new JsonArray(server.Interfaces.Select(n => (JsonNode?)Nic(n)).ToArray()),
        ["Disks"] = new JsonArray(),
        ["Appliance"] = null,
    };

    private JsonObject Nic(NicRecord nic)
    {
        JsonObject? switchNode = null;
        if (nic.SwitchId is { } switchId && state.Switches.TryGetValue(switchId, out var sw))
        {
            var router = state.RouterOfSwitch(sw);
            switchNode = new JsonObject
            {
                ["ID"] = sw.Id,
                ["Name"] = sw.Name,
                ["Scope"] = "user",
                ["Subnet"] = router is null
                    ? null
                    : new JsonObject
                    {
                        ["ID"] = router.Subnet.Id,
                        ["NetworkAddress"] = router.Subnet.Block.Network.ToString(),
                        ["NetworkMaskLen"] = router.Subnet.Block.MaskLength,
                        ["DefaultRoute"] = router.Subnet.DefaultRoute.ToString(),
                        ["Internet"] = new JsonObject { ["BandWidthMbps"] = router.BandWidthMbps },
                    },
                ["UserSubnet"] = router is null
                    ? UserSubnetNode(sw.UserSubnet)
                    : UserSubnetNode(new UserSubnet(router.Subnet.DefaultRoute, router.Subnet.Block.MaskLength)),
            };
        }

        return new JsonObject
        {
            ["ID"] = nic.Id,
            ["MACAddress"] = nic.MacAddress,
            ["IPAddress"] = null,
            ["UserIPAddress"] = nic.UserIpAddress?.ToString(),
            ["HostName"] = null,
            ["Switch"] = switchNode,
            ["PacketFilter"] = null,
        };
    }

    public JsonObject Appliance(ApplianceRecord appliance)
    {
        var lifecycle = appliance.Lifecycle;
        var sw = state.Switches.GetValueOrDefault(appliance.SwitchId);
        if (!appliance.IsLoadBalancer)
        {
            return RawAppliance(appliance, sw);
        }

        var userSubnet = new JsonObject
        {
            ["DefaultRoute"] = appliance.DefaultRoute?.ToString(),
            ["NetworkMaskLen"] = appliance.NetworkMaskLen,
        };
        return new JsonObject
        {
            ["ID"] = appliance.Id,
            ["Class"] = appliance.Class,
            ["Name"] = appliance.Name,
            ["Description"] = appliance.Description,
            ["Tags"] = WireFormat.Strings(appliance.Tags),
            ["Icon"] = appliance.Icon?.DeepClone(),
            ["Plan"] = new JsonObject { ["ID"] = appliance.PlanId },
            ["ServiceClass"] = string.Create(CultureInfo.InvariantCulture, $"cloud/appliance/loadbalancer/{appliance.PlanId}"),
            ["Availability"] = lifecycle.Availability,
            ["CreatedAt"] = WireFormat.Timestamp(appliance.CreatedAt),
            ["Instance"] = InstanceNode(appliance),
            // The top-level Switch.ID is what clients compare with switch IDs: always filled.
            ["Switch"] = SwitchSummary(sw, appliance.SwitchId, appliance.Zone),
            ["Interfaces"] = new JsonArray(appliance.IpAddresses.Select(ip => (JsonNode?)new JsonObject
            {
                ["IPAddress"] = null,
                ["UserIPAddress"] = ip.ToString(),
                ["HostName"] = null,
                ["Switch"] = new JsonObject
                {
                    ["ID"] = appliance.SwitchId,
                    ["Name"] = sw?.Name ?? "",
                    ["Scope"] = "user",
                    ["Subnet"] = null,
                    ["UserSubnet"] = userSubnet.DeepClone(),
                },
            }).ToArray()),
            ["Remark"] = new JsonObject
            {
                ["Zone"] = new JsonObject { ["ID"] = Zones.Find(appliance.Zone)!.Id },
                // Real responses carry this one ID as a string even with the bigint header.
                ["Switch"] = new JsonObject { ["ID"] = appliance.SwitchId.ToString(CultureInfo.InvariantCulture) },
                ["VRRP"] = new JsonObject { ["VRID"] = appliance.Vrid },
                ["Network"] = userSubnet.DeepClone(),
                ["Servers"] = new JsonArray(appliance.IpAddresses
                    .Select(ip => (JsonNode?)new JsonObject { ["IPAddress"] = ip.ToString() }).ToArray()),
                ["Plan"] = new JsonObject { ["ID"] = appliance.PlanId },
            },
            ["Settings"] = Settings(appliance.StoredSettings),
            ["SettingsHash"] = SettingsHash(appliance.StoredSettings),
        };
    }

    private static JsonObject InstanceNode(ApplianceRecord appliance)
    {
        var lifecycle = appliance.Lifecycle;
        var running = lifecycle.Phase is AppliancePhase.Up or AppliancePhase.Cleaning;
        return new JsonObject
        {
            ["Status"] = lifecycle.InstanceStatus,
            ["StatusChangedAt"] = WireFormat.Timestamp(lifecycle.StatusChangedAt),
            ["Host"] = running ? new JsonObject { ["Name"] = appliance.HostName, ["InfoURL"] = "" } : null,
        };
    }

    private static JsonObject SwitchSummary(SwitchRecord? sw, long switchId, string zone) => new()
    {
        ["ID"] = switchId,
        ["Name"] = sw?.Name ?? "",
        ["Scope"] = "user",
        ["Internet"] = null,
        ["Availability"] = "available",
        ["Zone"] = Zone(zone),
    };

    private static JsonObject RawAppliance(ApplianceRecord appliance, SwitchRecord? sw)
    {
        var body = (JsonObject)appliance.RawBody!.DeepClone();
        body["ID"] = appliance.Id;
        body["Class"] = appliance.Class;
        body["Name"] = appliance.Name;
        body["Tags"] = WireFormat.Strings(appliance.Tags);
        body["Availability"] = appliance.Lifecycle.Availability;
        body["CreatedAt"] = WireFormat.Timestamp(appliance.CreatedAt);
        body["Instance"] = InstanceNode(appliance);
        if (appliance.SwitchId != 0)
        {
            body["Switch"] = SwitchSummary(sw, appliance.SwitchId, appliance.Zone);
        }

        return body;
    }

    public static JsonObject Settings(LbSettings settings) => new()
    {
        ["LoadBalancer"] = new JsonArray(settings.Vips.Select(v => (JsonNode?)new JsonObject
        {
            ["VirtualIPAddress"] = v.VirtualIpAddress.ToString(),
            ["Port"] = Str(v.Port),
            ["DelayLoop"] = Str(v.DelayLoop),
            ["SorryServer"] = v.SorryServer,
            ["Description"] = v.Description,
            ["Servers"] = new JsonArray(v.Servers.Select(s => (JsonNode?)new JsonObject
            {
                ["IPAddress"] = s.IpAddress.ToString(),
                ["Port"] = Str(s.Port),
                ["Enabled"] = s.Enabled ? "True" : "False",
                ["HealthCheck"] = HealthCheck(s.HealthCheck),
            }).ToArray()),
        }).ToArray()),
    };

    private static JsonObject HealthCheck(LbHealthCheck check)
    {
        var node = new JsonObject { ["Protocol"] = check.Protocol };
        if (check.Path is not null)
        {
            node["Path"] = check.Path;
        }

        if (check.Status is not null)
        {
            node["Status"] = check.Status;
        }

        if (check.Host is not null)
        {
            node["Host"] = check.Host;
        }

        if (check.Port is { } port)
        {
            node["Port"] = Str(port);
        }

        if (check.Retry is { } retry)
        {
            node["Retry"] = Str(retry);
        }

        if (check.ConnectTimeout is { } timeout)
        {
            node["ConnectTimeout"] = Str(timeout);
        }

        return node;
    }

    /// <summary>Numbers inside LB settings are strings on the wire.</summary>
    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A 32-hex digest of the settings, used for optimistic locking on update.</summary>
    public static string SettingsHash(LbSettings settings)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(WireFormat.Serialize(Settings(settings))));
        return Convert.ToHexStringLower(bytes)[..32];
    }

    /// <summary>Health of each real server from the APPLIED settings.</summary>
    public JsonArray Status(ApplianceRecord appliance)
    {
        var applied = appliance.AppliedSettings ?? LbSettings.Empty;
        var upAddresses = state.Servers.Values
            .Where(s => s.Zone == appliance.Zone && s.IsUp)
            .SelectMany(s => s.Interfaces)
            .Where(n => n.UserIpAddress is not null)
            .Select(n => n.UserIpAddress!.Value)
            .ToHashSet();
        return new JsonArray(applied.Vips.Select(v => (JsonNode?)new JsonObject
        {
            ["VirtualIPAddress"] = v.VirtualIpAddress.ToString(),
            ["Port"] = Str(v.Port),
            ["CPS"] = "0",
            ["Servers"] = new JsonArray(v.Servers.Select(s => (JsonNode?)new JsonObject
            {
                ["IPAddress"] = s.IpAddress.ToString(),
                ["Port"] = Str(s.Port),
                ["Status"] = s.Enabled && upAddresses.Contains(s.IpAddress) ? "UP" : "DOWN",
                ["ActiveConn"] = "0",
                ["CPS"] = "0",
            }).ToArray()),
        }).ToArray());
    }
}
