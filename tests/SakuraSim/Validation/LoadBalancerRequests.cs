using System.Globalization;
using System.Text.Json.Nodes;
using SakuraSim.Model;
using SakuraSim.Wire;

namespace SakuraSim.Validation;

internal sealed record LbLimits(int MaxVips, int MaxServersPerVip);

/// <summary>The network a load balancer declares: <c>Remark.Servers[0]</c>/<c>NetworkMaskLen</c> and its default route.</summary>
internal sealed record LbNetwork(Ipv4Block Block, Ipv4? DefaultRoute)
{
    /// <summary>Why an address cannot be used in this network (as an own address or a VIP), or null.</summary>
    public string? Problem(Ipv4 address, bool checkRoute = true)
    {
        if (!Block.Contains(address))
        {
            return $"is outside the load balancer's network {Block}";
        }

        if (address == Block.Network)
        {
            return $"is the network address of {Block}";
        }

        if (address == Block.Broadcast)
        {
            return $"is the broadcast address of {Block}";
        }

        return checkRoute && address == DefaultRoute ? $"is the default route {DefaultRoute} of {Block}" : null;
    }
}

internal sealed record LbCreateRequest(
    string Name,
    string Description,
    IReadOnlyList<string> Tags,
    JsonNode? Icon,
    int PlanId,
    long SwitchId,
    int Vrid,
    int NetworkMaskLen,
    Ipv4? DefaultRoute,
    IReadOnlyList<Ipv4> IpAddresses,
    LbSettings Settings);

/// <summary>What an update changes; a null member means "not sent, keep".</summary>
internal sealed record LbUpdateRequest(
    string? Name,
    string? Description,
    IReadOnlyList<string>? Tags,
    bool IconSent,
    JsonNode? Icon,
    LbSettings? Settings);

/// <summary>
/// Parses and validates load-balancer create/update bodies (shape, limits, immutable fields).
/// Every problem is collected so one 400 lists them all, one per line, like the real API.
/// </summary>
internal static class LoadBalancerRequests
{
    private static readonly string[] Protocols = ["http", "https", "tcp", "ping"];

    public static JsonObject ApplianceOf(JsonNode? body)
    {
        if (body is not JsonObject root)
        {
            throw SakuraApiException.BadRequest(body is null
                ? "The property Appliance is required"
                : "Array value found, but an object is required");
        }

        return root["Appliance"] switch
        {
            JsonObject appliance => appliance,
            null => throw SakuraApiException.BadRequest("The property Appliance is required"),
            _ => throw SakuraApiException.BadRequest("The property Appliance must be an object"),
        };
    }

    public static LbCreateRequest ParseCreate(JsonObject appliance, LbLimits limits)
    {
        var errors = new List<string>();
        var cls = JsonRead.GetString(appliance["Class"]);
        if (cls is null)
        {
            errors.Add("The property Class is required");
        }
        else if (cls != "loadbalancer")
        {
            errors.Add($"Class '{cls}' is not supported here: only loadbalancer appliances can be created through the simulated API");
        }

        var name = ReadName(appliance, required: true, errors);
        var description = ReadDescription(appliance, errors) ?? "";
        var tags = JsonRead.GetStringList(appliance, "Tags", errors) ?? [];
        var planId = ReadPlan(appliance, errors);

        var remark = appliance["Remark"] as JsonObject;
        long switchId = 0;
        int vrid = 0, maskLen = 0;
        Ipv4? defaultRoute = null;
        var addresses = new List<Ipv4>();
        if (remark is null)
        {
            errors.Add("The property Remark is required");
        }
        else
        {
            if (!JsonRead.TryGetId(JsonRead.GetObject(remark, "Switch")?["ID"], out switchId))
            {
                errors.Add("The property Remark.Switch.ID is required");
            }

            if (!JsonRead.TryGetInt(JsonRead.GetObject(remark, "VRRP")?["VRID"], out vrid))
            {
                errors.Add("The property Remark.VRRP.VRID is required");
            }
            else if (vrid is < 1 or > 255)
            {
                errors.Add($"Remark.VRRP.VRID must be between 1 and 255 (was {vrid})");
            }

            var network = JsonRead.GetObject(remark, "Network");
            if (!JsonRead.TryGetInt(network?["NetworkMaskLen"], out maskLen))
            {
                errors.Add("The property Remark.Network.NetworkMaskLen is required");
            }
            else if (maskLen is < 8 or > 29)
            {
                errors.Add($"Remark.Network.NetworkMaskLen must be between 8 and 29 (was {maskLen})");
            }

            var route = JsonRead.GetString(network?["DefaultRoute"]);
            if (!string.IsNullOrEmpty(route))
            {
                if (Ipv4.TryParse(route, out var parsedRoute))
                {
                    defaultRoute = parsedRoute;
                }
                else
                {
                    errors.Add($"Remark.Network.DefaultRoute '{route}' is not a valid IPv4 address");
                }
            }

            ReadRemarkServers(remark, addresses, errors);
        }

        LbNetwork? lbNetwork = addresses.Count > 0 && maskLen is >= 8 and <= 29
            ? new LbNetwork(Ipv4Block.Containing(addresses[0], maskLen), defaultRoute)
            : null;
        if (lbNetwork is not null)
        {
            CheckOwnNetwork(lbNetwork, addresses, errors);
        }

        var settings = ReadSettings(appliance, limits, lbNetwork, errors) ?? LbSettings.Empty;

        if (errors.Count > 0)
        {
            throw SakuraApiException.BadRequest(errors);
        }

        var icon = appliance["Icon"]?.DeepClone();
        return new LbCreateRequest(name!, description, tags, icon, planId, switchId, vrid, maskLen, defaultRoute, addresses, settings);
    }

    public static LbUpdateRequest ParseUpdate(JsonObject body, ApplianceRecord current, LbLimits limits)
    {
        var errors = new List<string>();
        var name = ReadName(body, required: false, errors);
        var description = ReadDescription(body, errors);
        var tags = JsonRead.GetStringList(body, "Tags", errors);
        CheckImmutable(body, current, errors);

        var lbNetwork = current.IpAddresses.Count > 0
            ? new LbNetwork(Ipv4Block.Containing(current.IpAddresses[0], current.NetworkMaskLen), current.DefaultRoute)
            : null;
        var settings = ReadSettings(body, limits, lbNetwork, errors);

        // Appliance.SettingsHash (what iaas-api-go sends) is the read-only output field: ignored like
        // ID or Instance. The lock is the top-level OriginalSettingsHash (see OriginalSettingsHashOf).
        if (errors.Count > 0)
        {
            throw SakuraApiException.BadRequest(errors);
        }

        var iconSent = body.ContainsKey("Icon");
        return new LbUpdateRequest(name, description, tags, iconSent, body["Icon"]?.DeepClone(), settings);
    }

    /// <summary>
    /// The top-level <c>OriginalSettingsHash</c> sent next to <c>Appliance</c>: the settings hash the
    /// client read, which Sakura's own SDK (saklient) sends on every save. Null or empty = no lock.
    /// </summary>
    public static string? OriginalSettingsHashOf(JsonNode? body)
    {
        if (body is not JsonObject root || !root.TryGetPropertyValue("OriginalSettingsHash", out var node) || node is null)
        {
            return null;
        }

        return JsonRead.Kind(node) == System.Text.Json.JsonValueKind.String
            ? NonEmpty(node.GetValue<string>())
            : throw SakuraApiException.BadRequest("The property OriginalSettingsHash must be a string");
    }

    /// <summary>
    /// The LB's own addresses and its default route must fit the network it declares
    /// (<c>Remark.Servers[0]</c>/<c>NetworkMaskLen</c>): a second address or a gateway outside it, or an
    /// address that is the network's own or broadcast address, could not work on any switch.
    /// </summary>
    private static void CheckOwnNetwork(LbNetwork network, IReadOnlyList<Ipv4> addresses, List<string> errors)
    {
        for (var i = 0; i < addresses.Count; i++)
        {
            if (network.Problem(addresses[i], checkRoute: false) is { } problem)
            {
                errors.Add($"Remark.Servers[{i}].IPAddress {addresses[i]} {problem}");
            }
        }

        if (network.DefaultRoute is { } route)
        {
            if (network.Problem(route, checkRoute: false) is { } problem)
            {
                errors.Add($"Remark.Network.DefaultRoute {route} {problem}");
            }
            else if (addresses.Contains(route))
            {
                errors.Add($"Remark.Network.DefaultRoute {route} is also an address of the load balancer itself");
            }
        }
    }

    private static string? ReadName(JsonObject obj, bool required, List<string> errors)
    {
        if (!JsonRead.Has(obj, "Name"))
        {
            if (required)
            {
                errors.Add("The property Name is required");
            }

            return null;
        }

        var name = JsonRead.GetString(obj["Name"]);
        if (name is null || name.Length is < 1 or > 64)
        {
            errors.Add("Name must be a string of 1 to 64 characters");
            return null;
        }

        return name;
    }

    private static string? ReadDescription(JsonObject obj, List<string> errors)
    {
        if (!JsonRead.Has(obj, "Description"))
        {
            return null;
        }

        var description = JsonRead.GetString(obj["Description"]);
        if (description is null || description.Length > 512)
        {
            errors.Add("Description must be a string of at most 512 characters");
            return null;
        }

        return description;
    }

    /// <summary>iaas-api-go writes the plan to Plan.ID and Remark.Plan.ID, libsacloud-v1 only to Plan.ID.</summary>
    private static int ReadPlan(JsonObject appliance, List<string> errors)
    {
        var top = JsonRead.GetObject(appliance, "Plan")?["ID"];
        var remark = JsonRead.GetObject(JsonRead.GetObject(appliance, "Remark"), "Plan")?["ID"];
        var hasTop = JsonRead.TryGetInt(top, out var topPlan);
        var hasRemark = JsonRead.TryGetInt(remark, out var remarkPlan);
        if (!hasTop && !hasRemark)
        {
            errors.Add("The property Plan.ID is required");
            return 0;
        }

        if (hasTop && hasRemark && topPlan != remarkPlan)
        {
            errors.Add($"Plan.ID ({topPlan}) and Remark.Plan.ID ({remarkPlan}) differ");
        }

        var plan = hasTop ? topPlan : remarkPlan;
        if (plan is not (1 or 2))
        {
            errors.Add($"Plan.ID must be 1 (standard) or 2 (high spec) (was {plan})");
        }

        return plan;
    }

    private static void ReadRemarkServers(JsonObject remark, List<Ipv4> addresses, List<string> errors)
    {
        if (remark["Servers"] is not JsonArray servers)
        {
            errors.Add("The property Remark.Servers is required");
            return;
        }

        if (servers.Count is < 1 or > 2)
        {
            errors.Add($"Remark.Servers must have 1 or 2 entries (had {servers.Count})");
        }

        for (var i = 0; i < servers.Count; i++)
        {
            var text = JsonRead.GetString(GetObject(servers, i)?["IPAddress"]);
            if (Ipv4.TryParse(text, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                errors.Add(text is null
                    ? $"The property Remark.Servers[{i}].IPAddress is required"
                    : $"Remark.Servers[{i}].IPAddress '{text}' is not a valid IPv4 address");
            }
        }

        if (addresses.Count == 2 && addresses[0] == addresses[1])
        {
            errors.Add("Remark.Servers must name two different addresses");
        }
    }

    private static JsonObject? GetObject(JsonArray array, int index) => array[index] as JsonObject;

    /// <summary>Null when Settings.LoadBalancer was not sent (an update then keeps the stored list).</summary>
    private static LbSettings? ReadSettings(JsonObject appliance, LbLimits limits, LbNetwork? lbNetwork, List<string> errors)
    {
        if (!appliance.TryGetPropertyValue("Settings", out var settingsNode) || settingsNode is null)
        {
            return null;
        }

        if (settingsNode is not JsonObject settings)
        {
            errors.Add("The property Settings must be an object");
            return null;
        }

        if (!settings.TryGetPropertyValue("LoadBalancer", out var listNode) || listNode is null)
        {
            return null;
        }

        if (listNode is not JsonArray list)
        {
            errors.Add("The property Settings.LoadBalancer must be an array");
            return null;
        }

        if (list.Count > limits.MaxVips)
        {
            errors.Add($"Settings.LoadBalancer has {list.Count} entries; at most {limits.MaxVips} VIPs are allowed per load balancer");
        }

        var vips = new List<LbVip>();
        var seen = new HashSet<(Ipv4, int)>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"Settings.LoadBalancer[{i}]";
            if (list[i] is not JsonObject entry)
            {
                errors.Add($"{path} must be an object");
                continue;
            }

            var vip = ReadVip(entry, path, limits, lbNetwork, errors);
            if (vip is null)
            {
                continue;
            }

            if (!seen.Add((vip.VirtualIpAddress, vip.Port)))
            {
                errors.Add($"{path}: the pair {vip.VirtualIpAddress}:{vip.Port} appears more than once");
            }

            vips.Add(vip);
        }

        return new LbSettings(vips);
    }

    private static LbVip? ReadVip(JsonObject entry, string path, LbLimits limits, LbNetwork? lbNetwork, List<string> errors)
    {
        var before = errors.Count;
        var vipText = JsonRead.GetString(entry["VirtualIPAddress"]);
        Ipv4 vip = default;
        if (vipText is null)
        {
            errors.Add($"The property {path}.VirtualIPAddress is required");
        }
        else if (!Ipv4.TryParse(vipText, out vip))
        {
            errors.Add($"{path}.VirtualIPAddress '{vipText}' is not a valid IPv4 address");
        }
        else if (lbNetwork is { } network && network.Problem(vip) is { } problem)
        {
            errors.Add($"{path}.VirtualIPAddress {vip} {problem}");
        }

        var port = ReadPort(entry["Port"], $"{path}.Port", required: true, errors) ?? 0;

        var delayLoop = 10;
        if (JsonRead.Has(entry, "DelayLoop") && JsonRead.GetString(entry["DelayLoop"]) is not "")
        {
            if (!JsonRead.TryGetInt(entry["DelayLoop"], out delayLoop))
            {
                errors.Add($"{path}.DelayLoop must be a number");
            }
            else if (delayLoop < 10)
            {
                errors.Add($"{path}.DelayLoop must be at least 10 (was {delayLoop})");
            }
        }

        var sorry = JsonRead.GetString(entry["SorryServer"]) ?? "";
        if (sorry.Length > 0 && !Ipv4.TryParse(sorry, out _))
        {
            errors.Add($"{path}.SorryServer '{sorry}' is not a valid IPv4 address");
        }

        var description = JsonRead.GetString(entry["Description"]) ?? "";

        var servers = new List<LbRealServer>();
        if (entry.TryGetPropertyValue("Servers", out var serversNode) && serversNode is not null)
        {
            if (serversNode is not JsonArray array)
            {
                errors.Add($"{path}.Servers must be an array");
            }
            else
            {
                if (array.Count > limits.MaxServersPerVip)
                {
                    errors.Add($"{path}.Servers has {array.Count} entries; at most {limits.MaxServersPerVip} real servers are allowed per VIP");
                }

                for (var j = 0; j < array.Count; j++)
                {
                    if (ReadServer(array[j], $"{path}.Servers[{j}]", errors) is { } server)
                    {
                        servers.Add(server);
                    }
                }
            }
        }

        return errors.Count > before ? null : new LbVip(vip, port, delayLoop, sorry, description, servers);
    }

    private static LbRealServer? ReadServer(JsonNode? node, string path, List<string> errors)
    {
        if (node is not JsonObject server)
        {
            errors.Add($"{path} must be an object");
            return null;
        }

        var before = errors.Count;
        var ipText = JsonRead.GetString(server["IPAddress"]);
        Ipv4 ip = default;
        if (ipText is null)
        {
            errors.Add($"The property {path}.IPAddress is required");
        }
        else if (!Ipv4.TryParse(ipText, out ip))
        {
            errors.Add($"{path}.IPAddress '{ipText}' is not a valid IPv4 address");
        }

        var port = ReadPort(server["Port"], $"{path}.Port", required: true, errors) ?? 0;

        var enabled = true;
        if (JsonRead.Has(server, "Enabled") && !JsonRead.TryGetFlag(server["Enabled"], out enabled))
        {
            errors.Add($"{path}.Enabled must be \"True\" or \"False\"");
        }

        var check = ReadHealthCheck(server["HealthCheck"], $"{path}.HealthCheck", errors);
        return errors.Count > before || check is null ? null : new LbRealServer(ip, port, enabled, check);
    }

    private static LbHealthCheck? ReadHealthCheck(JsonNode? node, string path, List<string> errors)
    {
        if (node is not JsonObject check)
        {
            errors.Add(node is null ? $"The property {path} is required" : $"{path} must be an object");
            return null;
        }

        var before = errors.Count;
        var protocol = JsonRead.GetString(check["Protocol"]);
        if (protocol is null)
        {
            errors.Add($"The property {path}.Protocol is required");
        }
        else if (!Protocols.Contains(protocol))
        {
            errors.Add($"{path}.Protocol '{protocol}' is not one of http, https, tcp, ping");
        }

        var checkPath = NonEmpty(JsonRead.GetString(check["Path"]));
        var status = NonEmpty(JsonRead.GetString(check["Status"]));
        if (protocol is "http" or "https")
        {
            if (checkPath is null)
            {
                errors.Add($"{path}.Path is required for protocol {protocol}");
            }

            if (status is null || !int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 599)
            {
                // The real API words this one in Japanese even for English clients.
                errors.Add($"ヘルスチェックのステータスコード({status})が不正です ({path}.Status must be an HTTP status code for protocol {protocol})");
            }
        }

        var port = ReadPort(check["Port"], $"{path}.Port", required: false, errors);
        var retry = ReadRange(check["Retry"], $"{path}.Retry", 1, 5, errors);
        var timeout = ReadRange(check["ConnectTimeout"], $"{path}.ConnectTimeout", 1, 30, errors);
        var host = NonEmpty(JsonRead.GetString(check["Host"]));
        return errors.Count > before ? null : new LbHealthCheck(protocol!, checkPath, status, host, port, retry, timeout);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static int? ReadPort(JsonNode? node, string path, bool required, List<string> errors)
    {
        if (node is null || JsonRead.GetString(node) is "")
        {
            if (required)
            {
                errors.Add($"The property {path} is required");
            }

            return null;
        }

        if (!JsonRead.TryGetInt(node, out var port) || port is < 1 or > 65535)
        {
            errors.Add($"{path} must be a port number between 1 and 65535 (was {node.ToJsonString()})");
            return null;
        }

        return port;
    }

    private static int? ReadRange(JsonNode? node, string path, int min, int max, List<string> errors)
    {
        if (node is null || JsonRead.GetString(node) is "")
        {
            return null;
        }

        if (!JsonRead.TryGetInt(node, out var value) || value < min || value > max)
        {
            errors.Add($"{path} must be between {min} and {max} (was {node.ToJsonString()})");
            return null;
        }

        return value;
    }

    /// <summary>
    /// Clients may send back the whole object they read (the Sakura cloud-controller-manager does), so
    /// equal values of immutable fields are fine; only a real change is rejected.
    /// </summary>
    private static void CheckImmutable(JsonObject body, ApplianceRecord current, List<string> errors)
    {
        if (JsonRead.GetString(body["Class"]) is { } cls && cls != current.Class)
        {
            errors.Add("Class cannot be changed");
        }

        if (JsonRead.GetObject(body, "Plan")?["ID"] is { } plan && (!JsonRead.TryGetInt(plan, out var p) || p != current.PlanId))
        {
            errors.Add("Plan.ID cannot be changed after creation");
        }

        if (body["Remark"] is not JsonObject remark)
        {
            return;
        }

        if (JsonRead.GetObject(remark, "Plan")?["ID"] is { } remarkPlan && (!JsonRead.TryGetInt(remarkPlan, out var rp) || rp != current.PlanId))
        {
            errors.Add("Remark.Plan.ID cannot be changed after creation");
        }

        if (JsonRead.GetObject(remark, "Switch")?["ID"] is { } sw && (!JsonRead.TryGetId(sw, out var id) || id != current.SwitchId))
        {
            errors.Add("Remark.Switch.ID cannot be changed after creation");
        }

        if (JsonRead.GetObject(remark, "VRRP")?["VRID"] is { } vrid && (!JsonRead.TryGetInt(vrid, out var v) || v != current.Vrid))
        {
            errors.Add("Remark.VRRP.VRID cannot be changed after creation");
        }

        var network = JsonRead.GetObject(remark, "Network");
        if (network?["NetworkMaskLen"] is { } mask && (!JsonRead.TryGetInt(mask, out var m) || m != current.NetworkMaskLen))
        {
            errors.Add("Remark.Network.NetworkMaskLen cannot be changed after creation");
        }

        if (network is not null && network.ContainsKey("DefaultRoute"))
        {
            var sent = NonEmpty(JsonRead.GetString(network["DefaultRoute"]));
            if (sent != current.DefaultRoute?.ToString())
            {
                errors.Add("Remark.Network.DefaultRoute cannot be changed after creation");
            }
        }

        if (remark["Servers"] is JsonArray servers)
        {
            var sent = servers.Select(s => JsonRead.GetString((s as JsonObject)?["IPAddress"])).ToList();
            var stored = current.IpAddresses.Select(a => a.ToString()).ToList();
            if (!sent.SequenceEqual(stored))
            {
                errors.Add("Remark.Servers cannot be changed after creation");
            }
        }
    }
}
