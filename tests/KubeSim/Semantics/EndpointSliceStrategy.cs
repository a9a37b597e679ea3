using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;

namespace KubeSim.Semantics;

/// <summary>
/// discovery.k8s.io/v1 EndpointSlices as kube-apiserver stores them: ports default to name "" and
/// protocol TCP; <c>metadata.generation</c> is 1 at create and +1 on every change other than
/// metadata (labels count); endpoints' <c>deprecatedTopology</c> is dropped on writes through v1;
/// validation of the address type (immutable), the addresses for that type (no loopback,
/// link-local or unspecified IPs), node names, hostnames and unique port names. Endpoint
/// <c>conditions</c>, <c>nodeName</c>, <c>zone</c> and <c>targetRef</c> are kept as given: there is
/// no EndpointSlice controller, tests and clients write slices themselves.
/// </summary>
internal sealed class EndpointSliceStrategy : ResourceStrategy
{
    private const int MaxEndpoints = 1000;
    private const int MaxAddresses = 100;
    private const int MaxPorts = 100;
    private static readonly string[] AddressTypes = ["FQDN", "IPv4", "IPv6"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public override string Storage => "endpointslices";

    public override void PrepareForCreate(JsonObject obj, IStrategyContext ctx)
    {
        obj.Meta()["generation"] = 1;
        ApplyDefaults(obj);
        DropDeprecatedTopology(obj);
    }

    public override void PrepareForUpdate(JsonObject obj, JsonObject old, IStrategyContext ctx)
    {
        ApplyDefaults(obj);
        if (!JsonNode.DeepEquals(obj["endpoints"], old["endpoints"]))
        {
            DropDeprecatedTopology(obj);
        }

        var withoutMeta = obj.CloneObject();
        withoutMeta.Remove("metadata");
        var oldWithoutMeta = old.CloneObject();
        oldWithoutMeta.Remove("metadata");
        if (!JsonNode.DeepEquals(withoutMeta, oldWithoutMeta) || !JsonNode.DeepEquals(obj.Obj("metadata")?["labels"], old.Obj("metadata")?["labels"]))
        {
            obj.Meta()["generation"] = (old.Obj("metadata").Int("generation") ?? 0) + 1;
        }
    }

    public override IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType)
    {
        var errors = new List<FieldError>();
        var addressType = obj.Str("addressType") ?? "";
        if (addressType.Length == 0)
        {
            errors.Add(FieldError.Required("addressType"));
        }
        else if (!AddressTypes.Contains(addressType))
        {
            errors.Add(FieldError.NotSupported("addressType", JsonNav.Quote(addressType), AddressTypes));
        }

        errors.AddRange(Endpoints(obj.Arr("endpoints")?.ToList() ?? [], addressType));
        errors.AddRange(Ports(obj.Arr("ports")?.ToList() ?? []));
        if (old is not null && addressType != (old.Str("addressType") ?? ""))
        {
            errors.Add(FieldError.Immutable("addressType", JsonNav.Quote(addressType)));
        }

        return errors;
    }

    private static IEnumerable<FieldError> Endpoints(List<JsonNode?> endpoints, string addressType)
    {
        if (endpoints.Count > MaxEndpoints)
        {
            yield return FieldError.TooMany("endpoints", endpoints.Count, MaxEndpoints);
            yield break;
        }

        for (var i = 0; i < endpoints.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"endpoints[{i}]");
            var addresses = endpoints[i].Arr("addresses").StringItems().ToList();
            if (addresses.Count == 0)
            {
                yield return FieldError.Required(at + ".addresses", "must contain at least 1 address");
            }
            else if (addresses.Count > MaxAddresses)
            {
                yield return FieldError.TooMany(at + ".addresses", addresses.Count, MaxAddresses);
            }

            for (var j = 0; j < addresses.Count; j++)
            {
                var addressAt = string.Create(CultureInfo.InvariantCulture, $"{at}.addresses[{j}]");
                var messages = addressType switch
                {
                    "IPv4" => NameRules.EndpointIp(addresses[j], AddressFamily.InterNetwork),
                    "IPv6" => NameRules.EndpointIp(addresses[j], AddressFamily.InterNetworkV6),
                    "FQDN" => FullyQualifiedDomainName(addresses[j]),
                    _ => [],
                };
                foreach (var m in messages)
                {
                    yield return FieldError.Invalid(addressAt, JsonNav.Quote(addresses[j]), m);
                }
            }

            if (endpoints[i].Str("nodeName") is { } nodeName)
            {
                foreach (var m in NameRules.Dns1123Subdomain(nodeName))
                {
                    yield return FieldError.Invalid(at + ".nodeName", JsonNav.Quote(nodeName), m);
                }
            }

            if (endpoints[i].Str("hostname") is { } hostname)
            {
                foreach (var m in NameRules.Dns1123Label(hostname))
                {
                    yield return FieldError.Invalid(at + ".hostname", JsonNav.Quote(hostname), m);
                }
            }
        }
    }

    private static IEnumerable<FieldError> Ports(List<JsonNode?> ports)
    {
        if (ports.Count > MaxPorts)
        {
            yield return FieldError.TooMany("ports", ports.Count, MaxPorts);
            yield break;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"ports[{i}]");
            var name = ports[i].Str("name") ?? "";
            if (name.Length > 0)
            {
                foreach (var m in NameRules.Dns1123Label(name))
                {
                    yield return FieldError.Invalid(at + ".name", JsonNav.Quote(name), m);
                }
            }

            if (!names.Add(name))
            {
                yield return FieldError.Duplicate(at + ".name", JsonNav.Quote(name));
            }

            var protocol = ports[i].Str("protocol");
            if (protocol is null)
            {
                yield return FieldError.Required(at + ".protocol");
            }
            else if (!Protocols.Contains(protocol))
            {
                yield return FieldError.NotSupported(at + ".protocol", JsonNav.Quote(protocol), Protocols);
            }

            if (ports[i].Str("appProtocol") is { } appProtocol)
            {
                foreach (var m in NameRules.QualifiedName(appProtocol))
                {
                    yield return FieldError.Invalid(at + ".appProtocol", JsonNav.Quote(appProtocol), m);
                }
            }
        }
    }

    private static IReadOnlyList<string> FullyQualifiedDomainName(string value)
    {
        var name = value.EndsWith('.') ? value[..^1] : value;
        var errors = NameRules.Dns1123Subdomain(name).ToList();
        if (errors.Count == 0 && !name.Contains('.', StringComparison.Ordinal))
        {
            errors.Add("should be a domain with at least two segments separated by dots");
        }

        return errors;
    }

    // SetDefaults_EndpointPort of discovery/v1.
    private static void ApplyDefaults(JsonObject slice)
    {
        foreach (var port in slice.Arr("ports")?.OfType<JsonObject>() ?? [])
        {
            port["name"] ??= "";
            port["protocol"] ??= "TCP";
        }
    }

    private static void DropDeprecatedTopology(JsonObject slice)
    {
        foreach (var endpoint in slice.Arr("endpoints")?.OfType<JsonObject>() ?? [])
        {
            endpoint.Remove("deprecatedTopology");
        }
    }
}
