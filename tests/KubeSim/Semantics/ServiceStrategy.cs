using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;
using KubeSim.Patching;

namespace KubeSim.Semantics;

/// <summary>
/// Service rules: defaults (type, protocol, targetPort, traffic policies, allocateLoadBalancerNodePorts),
/// cluster IP allocation from 10.96.0.0/12, node port allocation from 30000-32767 (for NodePort and
/// LoadBalancer, and healthCheckNodePort for LoadBalancer with externalTrafficPolicy Local), values kept
/// across updates that omit them, type-dependent fields dropped on a type change, and the main
/// validation errors.
/// </summary>
internal sealed class ServiceStrategy : ResourceStrategy
{
    public const int NodePortMin = 30000;
    public const int NodePortMax = 32767;
    private const uint ServiceCidrBase = (10u << 24) | (96u << 16); // 10.96.0.0
    private const int ServiceCidrBits = 12;
    private static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public override string Storage => "services";

    public override bool HasStatusSubresource => true;

    public override bool KeepsStatusOnCreate => false;

    public override IReadOnlyDictionary<string, ListMergeRule> MergeLists { get; } =
        WithCommonLists(("spec.ports", "port"), ("status.conditions", "type"));

    public override IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldExtractors { get; } = Fields();

    public override IEnumerable<FieldError> ValidateName(string name) =>
        IsDns1035Label(name) ? [] :
        [FieldError.Invalid("metadata.name", JsonNav.Quote(name),
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")];

    public override void PrepareForCreate(JsonObject obj, IStrategyContext ctx)
    {
        obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
        ApplyDefaults(obj.GetOrAddObject("spec"));
    }

    public override void PrepareForUpdate(JsonObject obj, JsonObject old, IStrategyContext ctx)
    {
        var spec = obj.GetOrAddObject("spec");
        var oldSpec = old.Obj("spec") ?? new JsonObject();
        ApplyDefaults(spec);
        var type = spec.Str("type")!;

        // An update that omits allocated values keeps them, as the API server's patchAllocatedValues does.
        if (NeedsClusterIp(spec) && string.IsNullOrEmpty(spec.Str("clusterIP")) && oldSpec.Str("clusterIP") is { Length: > 0 } oldIp)
        {
            spec["clusterIP"] = oldIp;
            spec["clusterIPs"] = oldSpec["clusterIPs"]?.DeepClone();
        }

        if (NeedsNodePorts(spec) && spec.Arr("ports") is { } ports && oldSpec.Arr("ports") is { } oldPorts)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                if ((port.Int("nodePort") ?? 0) == 0)
                {
                    var match = oldPorts.OfType<JsonObject>().FirstOrDefault(p =>
                        p.Int("port") == port.Int("port") && (p.Str("protocol") ?? "TCP") == (port.Str("protocol") ?? "TCP"));
                    if (match?.Int("nodePort") is > 0 and var np)
                    {
                        port["nodePort"] = np;
                    }
                }
            }
        }

        if (NeedsHealthCheckNodePort(spec) && (spec.Int("healthCheckNodePort") ?? 0) == 0 && oldSpec.Int("healthCheckNodePort") is > 0 and var hc)
        {
            spec["healthCheckNodePort"] = hc;
        }

        // Fields that only make sense for some types go away when the type changes, but only values the
        // request left as they were: a value the client changed on purpose is kept so validation reports it.
        if (type is "ClusterIP" or "ExternalName")
        {
            var newList = spec.Arr("ports")?.OfType<JsonObject>().ToList() ?? [];
            var oldList = oldSpec.Arr("ports")?.OfType<JsonObject>().ToList() ?? [];
            var unchanged = newList.All(p => (p.Int("nodePort") ?? 0) == 0 || oldList.Any(o => o.Int("nodePort") == p.Int("nodePort")));
            if (unchanged)
            {
                foreach (var port in newList)
                {
                    port.Remove("nodePort");
                }
            }

            DropIfUnchanged(spec, oldSpec, "externalTrafficPolicy");
        }

        if (!NeedsHealthCheckNodePort(spec))
        {
            DropIfUnchanged(spec, oldSpec, "healthCheckNodePort");
        }

        if (type != "LoadBalancer")
        {
            DropIfUnchanged(spec, oldSpec, "allocateLoadBalancerNodePorts");
            DropIfUnchanged(spec, oldSpec, "loadBalancerClass");
        }

        if (type == "ExternalName")
        {
            DropIfUnchanged(spec, oldSpec, "clusterIP");
            DropIfUnchanged(spec, oldSpec, "clusterIPs");
            DropIfUnchanged(spec, oldSpec, "ipFamilies");
            DropIfUnchanged(spec, oldSpec, "ipFamilyPolicy");
            DropIfUnchanged(spec, oldSpec, "internalTrafficPolicy");
        }
    }

    private static void DropIfUnchanged(JsonObject spec, JsonObject oldSpec, string field)
    {
        if (JsonNode.DeepEquals(spec[field], oldSpec[field]))
        {
            spec.Remove(field);
        }
    }

    public override IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? new JsonObject();
        var type = spec.Str("type") ?? "ClusterIP";
        if (!Types.Contains(type))
        {
            errors.Add(FieldError.NotSupported("spec.type", JsonNav.Quote(type), Types));
            return errors;
        }

        var headless = spec.Str("clusterIP") == "None";
        var ports = spec.Arr("ports")?.ToList() ?? [];
        if (ports.Count == 0 && !headless && type != "ExternalName")
        {
            errors.Add(FieldError.Required("spec.ports"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var portKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}]");
            if (ports[i] is not JsonObject p)
            {
                errors.Add(FieldError.Invalid(path, null, "must be an object"));
                continue;
            }

            var name = p.Str("name") ?? "";
            if (ports.Count > 1 && name.Length == 0)
            {
                errors.Add(FieldError.Required(path + ".name"));
            }
            else if (name.Length > 0 && !names.Add(name))
            {
                errors.Add(FieldError.Duplicate(path + ".name", JsonNav.Quote(name)));
            }

            var port = p.Int("port") ?? 0;
            if (port is < 1 or > 65535)
            {
                errors.Add(FieldError.Invalid(path + ".port", port.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
            }

            var protocol = p.Str("protocol") ?? "TCP";
            if (!Protocols.Contains(protocol))
            {
                errors.Add(FieldError.NotSupported(path + ".protocol", JsonNav.Quote(protocol), Protocols));
            }

            if (!portKeys.Add(protocol + "/" + port.ToString(CultureInfo.InvariantCulture)))
            {
                errors.Add(FieldError.Duplicate(path, string.Create(CultureInfo.InvariantCulture, $"core.ServicePort{{Name:\"{name}\", Protocol:\"{protocol}\", Port:{port}}}")));
            }

            if (p["targetPort"] is JsonValue tp && tp.AsInt() is { } target && target is < 1 or > 65535)
            {
                errors.Add(FieldError.Invalid(path + ".targetPort", target.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
            }

            var nodePort = p.Int("nodePort") ?? 0;
            if (nodePort != 0)
            {
                if (type == "ClusterIP")
                {
                    errors.Add(FieldError.Forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
                }
                else if (nodePort is < NodePortMin or > NodePortMax)
                {
                    errors.Add(FieldError.Invalid(path + ".nodePort", nodePort.ToString(CultureInfo.InvariantCulture),
                        "provided port is not in the valid range. The range of valid ports is 30000-32767"));
                }
            }
        }

        var etp = spec.Str("externalTrafficPolicy");
        if (etp is not null)
        {
            if (etp is not ("Cluster" or "Local"))
            {
                errors.Add(FieldError.NotSupported("spec.externalTrafficPolicy", JsonNav.Quote(etp), ["Cluster", "Local"]));
            }
            else if (type is not ("NodePort" or "LoadBalancer"))
            {
                errors.Add(FieldError.Invalid("spec.externalTrafficPolicy", JsonNav.Quote(etp), "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
            }
        }

        if (spec.Str("sessionAffinity") is { } affinity && affinity is not ("None" or "ClientIP"))
        {
            errors.Add(FieldError.NotSupported("spec.sessionAffinity", JsonNav.Quote(affinity), ["ClientIP", "None"]));
        }

        if (type == "ExternalName" && string.IsNullOrEmpty(spec.Str("externalName")))
        {
            errors.Add(FieldError.Required("spec.externalName"));
        }

        var lbClass = spec.Str("loadBalancerClass");
        if (lbClass is not null && type != "LoadBalancer")
        {
            errors.Add(FieldError.Invalid("spec.loadBalancerClass", JsonNav.Quote(lbClass), "may only be used when `type` is 'LoadBalancer'"));
        }

        var clusterIp = spec.Str("clusterIP");
        if (!string.IsNullOrEmpty(clusterIp) && clusterIp != "None" && type != "ExternalName" && !InServiceRange(clusterIp))
        {
            errors.Add(FieldError.Invalid("spec.clusterIPs", $"[]string{{\"{clusterIp}\"}}",
                $"failed to allocate IP {clusterIp}: the provided IP ({clusterIp}) is not in the valid range. The range of valid IPs is 10.96.0.0/12"));
        }

        if (old is not null)
        {
            var oldSpec = old.Obj("spec") ?? new JsonObject();
            var oldIp = oldSpec.Str("clusterIP");
            if (!string.IsNullOrEmpty(oldIp) && type != "ExternalName" && oldSpec.Str("type") != "ExternalName" && clusterIp != oldIp)
            {
                errors.Add(FieldError.Invalid("spec.clusterIPs[0]", $"[]string{{\"{clusterIp}\"}}", "may not change once set"));
            }

            var oldClass = oldSpec.Str("loadBalancerClass");
            if (oldSpec.Str("type") == "LoadBalancer" && type == "LoadBalancer" && oldClass != lbClass)
            {
                errors.Add(FieldError.Invalid("spec.loadBalancerClass", lbClass is null ? "null" : JsonNav.Quote(lbClass), "may not change once set"));
            }
        }

        return errors;
    }

    public override void Allocate(JsonObject obj, JsonObject? old, IStrategyContext ctx)
    {
        var spec = obj.GetOrAddObject("spec");
        var self = (obj.Namespace(), obj.Name());
        var others = ctx.All(Storage).Select(AllocationsOf).Where(a => (a.Namespace, a.Name) != self).ToList();
        var errors = new List<FieldError>();

        if (NeedsClusterIp(spec))
        {
            var ip = spec.Str("clusterIP");
            if (ip != "None")
            {
                var used = others.Select(a => a.ClusterIp).OfType<string>().ToHashSet(StringComparer.Ordinal);
                if (string.IsNullOrEmpty(ip))
                {
                    ip = NextFreeIp(used);
                    if (ip is null)
                    {
                        errors.Add(FieldError.Invalid("spec.clusterIPs", "[]string{}", "failed to allocate IP: range is full"));
                    }
                }
                else if (old?.Obj("spec").Str("clusterIP") != ip && used.Contains(ip))
                {
                    errors.Add(FieldError.Invalid("spec.clusterIPs", $"[]string{{\"{ip}\"}}", $"failed to allocate IP {ip}: provided IP is already allocated"));
                }
            }

            if (ip is not null)
            {
                spec["clusterIP"] = ip;
                spec["clusterIPs"] = new JsonArray(ip);
                spec["ipFamilies"] ??= new JsonArray("IPv4");
                spec["ipFamilyPolicy"] ??= "SingleStack";
            }
        }

        var usedPorts = others.SelectMany(a => a.NodePorts).ToHashSet();
        var oldPorts = old is null ? [] : AllocatedNodePorts(old).ToHashSet();
        if (NeedsNodePorts(spec))
        {
            var ports = spec.Arr("ports")?.OfType<JsonObject>().ToList() ?? [];
            for (var i = 0; i < ports.Count; i++)
            {
                var requested = (int)(ports[i].Int("nodePort") ?? 0);
                if (requested == 0)
                {
                    var next = NextFreePort(usedPorts);
                    if (next is null)
                    {
                        errors.Add(FieldError.Invalid(string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}].nodePort"), "0", "range is full"));
                        continue;
                    }

                    ports[i]["nodePort"] = next.Value;
                    usedPorts.Add(next.Value);
                }
                else if (!oldPorts.Contains(requested) && usedPorts.Contains(requested))
                {
                    errors.Add(FieldError.Invalid(string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}].nodePort"),
                        requested.ToString(CultureInfo.InvariantCulture), "provided port is already allocated"));
                }
                else
                {
                    usedPorts.Add(requested);
                }
            }
        }

        if (NeedsHealthCheckNodePort(spec) && (spec.Int("healthCheckNodePort") ?? 0) == 0)
        {
            if (NextFreePort(usedPorts) is { } hc)
            {
                spec["healthCheckNodePort"] = hc;
            }
            else
            {
                errors.Add(FieldError.Invalid("spec.healthCheckNodePort", "0", "range is full"));
            }
        }

        if (errors.Count > 0)
        {
            throw KubeApiException.Invalid("Service", "", obj.Name(), errors);
        }
    }

    // Stored objects are replaced on every write and never changed in place, so what a stored object
    // allocates can be remembered per instance; creating the thousandth Service then does not re-read
    // every other Service's JSON.
    private readonly ConditionalWeakTable<JsonObject, Allocations> allocations = new();

    private sealed record Allocations(string Namespace, string Name, string? ClusterIp, int[] NodePorts);

    private Allocations AllocationsOf(JsonObject stored) =>
        allocations.GetValue(stored, s => new Allocations(s.Namespace(), s.Name(), s.Obj("spec").Str("clusterIP"), AllocatedNodePorts(s).ToArray()));

    private static void ApplyDefaults(JsonObject spec)
    {
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        var type = spec.Str("type");
        foreach (var port in spec.Arr("ports")?.OfType<JsonObject>() ?? [])
        {
            port["protocol"] ??= "TCP";
            if (port["targetPort"] is null && port["port"] is { } p)
            {
                port["targetPort"] = p.DeepClone();
            }
        }

        if (type != "ExternalName")
        {
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        if (type is "NodePort" or "LoadBalancer")
        {
            spec["externalTrafficPolicy"] ??= "Cluster";
        }

        if (type == "LoadBalancer")
        {
            spec["allocateLoadBalancerNodePorts"] ??= true;
        }
    }

    private static bool NeedsClusterIp(JsonObject spec) => spec.Str("type") != "ExternalName";

    private static bool NeedsNodePorts(JsonObject spec) =>
        spec.Str("type") switch
        {
            "NodePort" => true,
            "LoadBalancer" => spec.Bool("allocateLoadBalancerNodePorts") != false,
            _ => false,
        };

    private static bool NeedsHealthCheckNodePort(JsonObject spec) =>
        spec.Str("type") == "LoadBalancer" && spec.Str("externalTrafficPolicy") == "Local";

    private static IEnumerable<int> AllocatedNodePorts(JsonObject svc)
    {
        var spec = svc.Obj("spec");
        foreach (var p in spec.Arr("ports")?.OfType<JsonObject>() ?? [])
        {
            if (p.Int("nodePort") is > 0 and var np)
            {
                yield return (int)np;
            }
        }

        if (spec.Int("healthCheckNodePort") is > 0 and var hc)
        {
            yield return (int)hc;
        }
    }

    private static int? NextFreePort(HashSet<int> used)
    {
        for (var p = NodePortMin; p <= NodePortMax; p++)
        {
            if (!used.Contains(p))
            {
                return p;
            }
        }

        return null;
    }

    private static string? NextFreeIp(HashSet<string> used)
    {
        // .0 is the network and .1 is conventionally the "kubernetes" Service; start after them.
        var taken = used.Select(ToValue).OfType<uint>().ToHashSet();
        var size = 1u << (32 - ServiceCidrBits);
        for (var offset = 2u; offset < size - 1; offset++)
        {
            if (!taken.Contains(ServiceCidrBase + offset))
            {
                return ToText(ServiceCidrBase + offset);
            }
        }

        return null;
    }

    private static uint? ToValue(string ip)
    {
        if (!IPAddress.TryParse(ip, out var parsed) || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return null;
        }

        var b = parsed.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    private static bool InServiceRange(string ip) =>
        ToValue(ip) is { } value && value >> (32 - ServiceCidrBits) == ServiceCidrBase >> (32 - ServiceCidrBits);

    private static string ToText(uint value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}");

    private static Dictionary<string, Func<JsonObject, string?>> Fields()
    {
        var fields = MetadataFields();
        fields["spec.clusterIP"] = o => o.Obj("spec").Str("clusterIP");
        fields["spec.type"] = o => o.Obj("spec").Str("type");
        return fields;
    }
}
