using System.Globalization;
using System.Text.Json.Nodes;
using KubeSim.Json;

namespace KubeSim.Semantics;

/// <summary>
/// What Pods and Deployments' pod templates share: the v1 defaults of a PodSpec and its containers,
/// the main validation errors, and the strategic-merge list keys (containers by name, ports by
/// containerPort, …) that <c>kubectl apply</c> relies on.
/// </summary>
internal static class PodSpecRules
{
    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] DnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];

    /// <summary>The strategic-merge lists of a PodSpec found at <paramref name="prefix"/> ("spec" or "spec.template.spec").</summary>
    public static (string Path, string? Key)[] MergeLists(string prefix) =>
    [
        (prefix + ".containers", "name"),
        (prefix + ".containers.ports", "containerPort"),
        (prefix + ".containers.env", "name"),
        (prefix + ".containers.volumeMounts", "mountPath"),
        (prefix + ".initContainers", "name"),
        (prefix + ".initContainers.ports", "containerPort"),
        (prefix + ".initContainers.env", "name"),
        (prefix + ".initContainers.volumeMounts", "mountPath"),
        (prefix + ".volumes", "name"),
        (prefix + ".imagePullSecrets", "name"),
        (prefix + ".hostAliases", "ip"),
    ];

    /// <summary>SetDefaults_PodSpec and SetDefaults_Container of core/v1.</summary>
    public static void ApplyDefaults(JsonObject podSpec)
    {
        podSpec["dnsPolicy"] ??= "ClusterFirst";
        podSpec["restartPolicy"] ??= "Always";
        podSpec["securityContext"] ??= new JsonObject();
        podSpec["terminationGracePeriodSeconds"] ??= 30;
        podSpec["schedulerName"] ??= "default-scheduler";
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var container in podSpec.Arr(list)?.OfType<JsonObject>() ?? [])
            {
                container["terminationMessagePath"] ??= "/dev/termination-log";
                container["terminationMessagePolicy"] ??= "File";
                container["imagePullPolicy"] ??= DefaultPullPolicy(container.Str("image") ?? "");
                foreach (var port in container.Arr("ports")?.OfType<JsonObject>() ?? [])
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }
    }

    public static IEnumerable<FieldError> Validate(JsonObject? podSpec, string path)
    {
        var errors = new List<FieldError>();
        var containers = podSpec.Arr("containers")?.ToList() ?? [];
        if (containers.Count == 0)
        {
            errors.Add(FieldError.Required(path + ".containers"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (list, items) in new[] { ("containers", containers), ("initContainers", podSpec.Arr("initContainers")?.ToList() ?? []) })
        {
            for (var i = 0; i < items.Count; i++)
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"{path}.{list}[{i}]");
                errors.AddRange(Container(items[i] as JsonObject, at, names));
            }
        }

        if (podSpec.Str("restartPolicy") is { } restart && !RestartPolicies.Contains(restart))
        {
            errors.Add(FieldError.NotSupported(path + ".restartPolicy", JsonNav.Quote(restart), RestartPolicies));
        }

        if (podSpec.Str("dnsPolicy") is { } dns && !DnsPolicies.Contains(dns))
        {
            errors.Add(FieldError.NotSupported(path + ".dnsPolicy", JsonNav.Quote(dns), DnsPolicies));
        }

        if (podSpec.Str("nodeName") is { Length: > 0 } nodeName)
        {
            errors.AddRange(NameRules.Dns1123Subdomain(nodeName).Select(m => FieldError.Invalid(path + ".nodeName", JsonNav.Quote(nodeName), m)));
        }

        return errors;
    }

    private static IEnumerable<FieldError> Container(JsonObject? container, string at, HashSet<string> names)
    {
        var name = container.Str("name") ?? "";
        if (name.Length == 0)
        {
            yield return FieldError.Required(at + ".name");
        }
        else
        {
            foreach (var m in NameRules.Dns1123Label(name))
            {
                yield return FieldError.Invalid(at + ".name", JsonNav.Quote(name), m);
            }

            if (!names.Add(name))
            {
                yield return FieldError.Duplicate(at + ".name", JsonNav.Quote(name));
            }
        }

        if (string.IsNullOrEmpty(container.Str("image")))
        {
            yield return FieldError.Required(at + ".image");
        }

        if (container.Str("imagePullPolicy") is { } pull && !PullPolicies.Contains(pull))
        {
            yield return FieldError.NotSupported(at + ".imagePullPolicy", JsonNav.Quote(pull), PullPolicies);
        }

        var ports = container.Arr("ports")?.ToList() ?? [];
        for (var i = 0; i < ports.Count; i++)
        {
            var portAt = string.Create(CultureInfo.InvariantCulture, $"{at}.ports[{i}]");
            var port = ports[i].Int("containerPort") ?? 0;
            if (port is < 1 or > 65535)
            {
                yield return FieldError.Invalid(portAt + ".containerPort", port.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive");
            }

            if (ports[i].Str("protocol") is { } protocol && !Protocols.Contains(protocol))
            {
                yield return FieldError.NotSupported(portAt + ".protocol", JsonNav.Quote(protocol), Protocols);
            }
        }
    }

    // An image without a tag, or tagged latest, is pulled every time; a pinned tag or digest only when missing.
    private static string DefaultPullPolicy(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return "IfNotPresent";
        }

        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        return colon < 0 || lastSegment[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }
}
