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
            ["IsDummy"] = false,
            // Localised names stay Japanese whatever Accept-Language says (the real samples carry them so).
            ["Region"] = new JsonObject { ["ID"] = zone.RegionId, ["Name"] = zone.RegionName, ["Description"] = zone.RegionName },
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
            ["ApplianceCount"] = state.Appliances.Values.Count(a => a.IsConnectedTo(sw.Id)),
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
        ["Availability"] = server.Availability,
        ["ServiceClass"] = server.Plan.ServiceClass,
        ["InterfaceDriver"] = "virtio",
        ["ServerPlan"] = new JsonObject
        {
            ["ID"] = server.Plan.Id,
            ["Name"] = server.Plan.Name,
            ["CPU"] = server.Plan.Cpu,
            ["MemoryMB"] = server.Plan.MemoryMb,
            ["GPU"] = 0,
            ["ServiceClass"] = server.Plan.ServiceClass,
            ["Generation"] = server.Plan.Generation,
            ["Commitment"] = server.Plan.Commitment,
        },
        ["Zone"] = Zone(server.Zone),
        ["Instance"] = new JsonObject
        {
            ["Status"] = server.IsUp ? "up" : "down",
            ["BeforeStatus"] = server.IsUp ? "down" : "up",
            ["StatusChangedAt"] = WireFormat.Timestamp(server.StatusChangedAt),
            ["ModifiedAt"] = WireFormat.Timestamp(server.StatusChangedAt),
        },
        ["Interfaces"] = new JsonArray(server.Interfaces.Select(n => (JsonNode?)Nic(n)).ToArray()),
        ["Disks"] = new JsonArray(),
        ["Appliance"] = null,
    };

    private JsonObject Nic(NicRecord nic) => new()
    {
        ["ID"] = nic.Id,
        ["MACAddress"] = nic.MacAddress,
        ["IPAddress"] = nic.IpAddress?.ToString(),
        ["UserIPAddress"] = nic.UserIpAddress?.ToString(),
        ["HostName"] = null,
        ["Switch"] = nic.SwitchId is { } switchId ? NicSwitch(switchId) : null,
        ["PacketFilter"] = null,
    };

    /// <summary>
    /// The switch as a NIC (of a server or an appliance) shows it: <c>Subnet</c> is the router's block on
    /// a router+switch, null on a plain switch, the segment's network on the shared segment
    /// (the shared form is that of a real response); null when the ID is unknown.
    /// </summary>
    public JsonObject? NicSwitch(long switchId)
    {
        if (state.Switches.TryGetValue(switchId, out var sw))
        {
            var router = state.RouterOfSwitch(sw);
            return new JsonObject
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

        var shared = state.SharedSegments.Values.FirstOrDefault(x => x.Id == switchId);
        return shared is null
            ? null
            : new JsonObject
            {
                ["ID"] = shared.Id,
                ["Name"] = SharedSegmentRecord.Name,
                ["Scope"] = "shared",
                ["Subnet"] = new JsonObject
                {
                    ["ID"] = null,
                    ["NetworkAddress"] = shared.Block.Network.ToString(),
                    ["NetworkMaskLen"] = shared.Block.MaskLength,
                    ["DefaultRoute"] = shared.DefaultRoute.ToString(),
                    ["Internet"] = new JsonObject { ["BandWidthMbps"] = 100 },
                },
                ["UserSubnet"] = UserSubnetNode(new UserSubnet(shared.DefaultRoute, shared.Block.MaskLength)),
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

        var network = new JsonObject
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
            // One NIC per own address, on the LB's switch, shown as server NICs show their switch.
            ["Interfaces"] = new JsonArray(appliance.IpAddresses.Select(ip => (JsonNode?)new JsonObject
            {
                ["IPAddress"] = null,
                ["UserIPAddress"] = ip.ToString(),
                ["HostName"] = null,
                ["Switch"] = NicSwitch(appliance.SwitchId),
            }).ToArray()),
            ["Remark"] = new JsonObject
            {
                ["Zone"] = new JsonObject { ["ID"] = Zones.Find(appliance.Zone)!.Id },
                // Real responses carry this one ID as a string even with the bigint header.
                ["Switch"] = new JsonObject { ["ID"] = appliance.SwitchId.ToString(CultureInfo.InvariantCulture) },
                ["VRRP"] = new JsonObject { ["VRID"] = appliance.Vrid },
                ["Network"] = network,
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

    /// <summary>The top-level <c>Switch</c> of an appliance; <c>Internet</c> names the router of a router+switch.</summary>
    private JsonObject SwitchSummary(SwitchRecord? sw, long switchId, string zone)
    {
        var router = sw is null ? null : state.RouterOfSwitch(sw);
        return new JsonObject
        {
            ["ID"] = switchId,
            ["Name"] = sw?.Name ?? "",
            ["Scope"] = "user",
            ["Internet"] = router is null
                ? null
                : new JsonObject { ["ID"] = router.Id, ["Name"] = router.Name, ["BandWidthMbps"] = router.BandWidthMbps },
            ["Availability"] = "available",
            ["Zone"] = Zone(zone),
        };
    }

    /// <summary>
    /// A seeded VPC router or database: the body as given, completed where the real API would fill it:
    /// ID, state, the top-level <c>Switch</c> (the switch of <c>Remark.Switch.ID</c>, null when the
    /// appliance sits on the shared segment as a standard VPC router does), <c>Remark.Switch.ID</c> as a
    /// string, every NIC's <c>Switch</c> as NICs show it, and <c>SettingsHash</c>.
    /// </summary>
    private JsonObject RawAppliance(ApplianceRecord appliance, SwitchRecord? sw)
    {
        var body = (JsonObject)appliance.RawBody!.DeepClone();
        body["ID"] = appliance.Id;
        body["Class"] = appliance.Class;
        body["Name"] = appliance.Name;
        body["Tags"] = WireFormat.Strings(appliance.Tags);
        body["Availability"] = appliance.Lifecycle.Availability;
        body["CreatedAt"] = WireFormat.Timestamp(appliance.CreatedAt);
        body["Instance"] = InstanceNode(appliance);
        body["Switch"] = appliance.SwitchId != 0 ? SwitchSummary(sw, appliance.SwitchId, appliance.Zone) : null;
        if (appliance.SwitchId != 0 && body["Remark"] is JsonObject remark && remark["Switch"] is JsonObject remarkSwitch)
        {
            remarkSwitch["ID"] = appliance.SwitchId.ToString(CultureInfo.InvariantCulture);
        }

        if (body["Interfaces"] is JsonArray nics)
        {
            foreach (var nic in nics.OfType<JsonObject>())
            {
                if (JsonRead.TryGetId(JsonRead.GetObject(nic, "Switch")?["ID"], out var nicSwitchId) && NicSwitch(nicSwitchId) is { } full)
                {
                    nic["Switch"] = full;
                }

                foreach (var key in new[] { "IPAddress", "UserIPAddress", "HostName" })
                {
                    nic.TryAdd(key, null);
                }
            }
        }

        if (body["Settings"] is JsonObject settings)
        {
            body["SettingsHash"] = Hash(settings);
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
    public static string SettingsHash(LbSettings settings) => Hash(Settings(settings));

    private static string Hash(JsonNode settings)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(WireFormat.Serialize(settings)));
        return Convert.ToHexStringLower(bytes)[..32];
    }

    /// <summary>
    /// Health of each real server of the APPLIED settings. A real server is UP when it is
    /// enabled, an up server of the zone has a NIC with that address on the LB's switch (a DSR load
    /// balancer reaches its real servers on its own segment), and no test made its check fail. Only UP
    /// servers carry the connection numbers a test set; a VIP's CPS is the sum of its servers'.
    /// </summary>
    public JsonArray Status(ApplianceRecord appliance)
    {
        var applied = appliance.AppliedSettings ?? LbSettings.Empty;
        var reachable = state.Servers.Values
            .Where(s => s.Zone == appliance.Zone && s.IsUp)
            .SelectMany(s => s.Interfaces)
            .Where(n => n.SwitchId == appliance.SwitchId && n.Address is not null)
            .Select(n => n.Address!.Value)
            .ToHashSet();
        return new JsonArray(applied.Vips.Select(v =>
        {
            var servers = v.Servers.Select(s =>
            {
                var health = HealthOf(appliance.Zone, s.IpAddress, s.Port);
                var up = s.Enabled && reachable.Contains(s.IpAddress) && health?.Failing != true;
                return (Server: s, Up: up, ActiveConn: up ? health?.ActiveConn ?? 0 : 0, Cps: up ? health?.Cps ?? 0 : 0);
            }).ToList();
            return (JsonNode?)new JsonObject
            {
                ["VirtualIPAddress"] = v.VirtualIpAddress.ToString(),
                ["Port"] = Str(v.Port),
                ["CPS"] = Str(servers.Sum(x => x.Cps)),
                ["Servers"] = new JsonArray(servers.Select(x => (JsonNode?)new JsonObject
                {
                    ["IPAddress"] = x.Server.IpAddress.ToString(),
                    ["Port"] = Str(x.Server.Port),
                    ["Status"] = x.Up ? "UP" : "DOWN",
                    ["ActiveConn"] = Str(x.ActiveConn),
                    ["CPS"] = Str(x.Cps),
                }).ToArray()),
            };
        }).ToArray());
    }

    private RealServerHealth? HealthOf(string zone, Ipv4 address, int port) =>
        state.Health.GetValueOrDefault(new HealthKey(zone, address, port))
        ?? state.Health.GetValueOrDefault(new HealthKey(zone, address, null));
}
