using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeSim.Json;

namespace KubeSim.Semantics;

/// <summary>
/// The format rules apimachinery applies to names, label keys and values, config keys and IP
/// addresses, with the messages kube-apiserver prints (each rule returns one message per broken
/// constraint, as <c>k8s.io/apimachinery/pkg/util/validation</c> does).
/// </summary>
internal static partial class NameRules
{
    private const int QualifiedNameMaxLength = 63;
    private const int LabelValueMaxLength = 63;
    private const int ConfigKeyMaxLength = 253;
    private const int AnnotationsMaxBytes = 256 * 1024;

    private const string QualifiedNameError =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValueError =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private const string Dns1123SubdomainError =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string Dns1123LabelError =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string ConfigKeyError =
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    /// <summary>A label or annotation key, or a taint key: an optional DNS subdomain prefix and '/', then a name of up to 63 characters.</summary>
    public static IReadOnlyList<string> QualifiedName(string value)
    {
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    errors.Add("prefix part must be non-empty");
                }
                else
                {
                    errors.AddRange(Dns1123Subdomain(parts[0]).Select(m => "prefix part " + m));
                }

                break;
            default:
                return ["a qualified name " + QualifiedNameError + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (name.Length > QualifiedNameMaxLength)
        {
            errors.Add("name part must be no more than 63 characters");
        }

        if (!QualifiedNamePattern().IsMatch(name))
        {
            errors.Add("name part " + QualifiedNameError);
        }

        return errors;
    }

    public static IReadOnlyList<string> LabelValue(string value)
    {
        var errors = new List<string>();
        if (value.Length > LabelValueMaxLength)
        {
            errors.Add("must be no more than 63 characters");
        }

        if (!LabelValuePattern().IsMatch(value))
        {
            errors.Add(LabelValueError);
        }

        return errors;
    }

    public static IReadOnlyList<string> Dns1123Subdomain(string value)
    {
        var errors = new List<string>();
        if (value.Length > 253)
        {
            errors.Add("must be no more than 253 characters");
        }

        if (!Dns1123SubdomainPattern().IsMatch(value))
        {
            errors.Add(Dns1123SubdomainError);
        }

        return errors;
    }

    public static IReadOnlyList<string> Dns1123Label(string value)
    {
        var errors = new List<string>();
        if (value.Length > 63)
        {
            errors.Add("must be no more than 63 characters");
        }

        if (!Dns1123LabelPattern().IsMatch(value))
        {
            errors.Add(Dns1123LabelError);
        }

        return errors;
    }

    /// <summary>A ConfigMap (or Secret) data key.</summary>
    public static IReadOnlyList<string> ConfigMapKey(string value)
    {
        var errors = new List<string>();
        if (value.Length > ConfigKeyMaxLength)
        {
            errors.Add("must be no more than 253 characters");
        }

        if (!ConfigKeyPattern().IsMatch(value))
        {
            errors.Add(ConfigKeyError);
        }

        if (value == ".")
        {
            errors.Add("must not be '.'");
        }
        else if (value == "..")
        {
            errors.Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            errors.Add("must not start with '..'");
        }

        return errors;
    }

    /// <summary>
    /// The labels and annotations of any object, as ValidateObjectMeta checks them: label keys are
    /// qualified names and values label values; annotation keys are qualified names (compared in
    /// lower case) and all annotations together stay under 256 KiB.
    /// </summary>
    public static IEnumerable<FieldError> ObjectMetaLabelsAndAnnotations(JsonObject obj, string path = "metadata")
    {
        var meta = obj.Obj("metadata");
        foreach (var (key, value) in meta.StringMap("labels"))
        {
            foreach (var message in QualifiedName(key))
            {
                yield return FieldError.Invalid(path + ".labels", JsonNav.Quote(key), message);
            }

            foreach (var message in LabelValue(value))
            {
                yield return FieldError.Invalid(path + ".labels", JsonNav.Quote(value), message);
            }
        }

        var total = 0;
        foreach (var (key, value) in meta.StringMap("annotations"))
        {
            foreach (var message in QualifiedName(key.ToLowerInvariant()))
            {
                yield return FieldError.Invalid(path + ".annotations", JsonNav.Quote(key), message);
            }

            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
        }

        if (total > AnnotationsMaxBytes)
        {
            yield return FieldError.TooLong(path + ".annotations", AnnotationsMaxBytes);
        }
    }

    /// <summary>Errors of a label selector's own keys and values (matchLabels and matchExpressions), as ValidateLabelSelector reports them.</summary>
    public static IEnumerable<FieldError> LabelSelector(JsonObject? selector, string path)
    {
        foreach (var (key, value) in selector.StringMap("matchLabels"))
        {
            foreach (var message in QualifiedName(key))
            {
                yield return FieldError.Invalid(path + ".matchLabels", JsonNav.Quote(key), message);
            }

            foreach (var message in LabelValue(value))
            {
                yield return FieldError.Invalid(path + ".matchLabels", JsonNav.Quote(value), message);
            }
        }

        var expressions = selector.Arr("matchExpressions")?.ToList() ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{path}.matchExpressions[{i}]");
            var op = expressions[i].Str("operator") ?? "";
            var values = (expressions[i] as JsonObject).Arr("values");
            switch (op)
            {
                case "In" or "NotIn":
                    if (values is null || values.Count == 0)
                    {
                        yield return FieldError.Required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (values is { Count: > 0 })
                    {
                        yield return FieldError.Forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }

                    break;
                default:
                    yield return FieldError.Invalid(at + ".operator", JsonNav.Quote(op), "not a valid selector operator");
                    break;
            }

            foreach (var message in QualifiedName(expressions[i].Str("key") ?? ""))
            {
                yield return FieldError.Invalid(at + ".key", JsonNav.Quote(expressions[i].Str("key") ?? ""), message);
            }
        }
    }

    /// <summary>Whether a label selector (matchLabels + matchExpressions) selects the given labels.</summary>
    public static bool SelectorMatches(JsonObject? selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector.StringMap("matchLabels"))
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var e in selector.Arr("matchExpressions")?.OfType<JsonObject>() ?? [])
        {
            var key = e.Str("key") ?? "";
            var values = e.Arr("values").StringItems().ToHashSet(StringComparer.Ordinal);
            var has = labels.TryGetValue(key, out var actual);
            var ok = e.Str("operator") switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A label selector printed as labels.Selector.String() does: "app=web,tier in (a,b)".</summary>
    public static string FormatSelector(JsonObject? selector)
    {
        if (selector is null)
        {
            return "<none>";
        }

        var terms = new List<(string Key, string Text)>();
        foreach (var (key, value) in selector.StringMap("matchLabels"))
        {
            terms.Add((key, key + "=" + value));
        }

        foreach (var e in selector.Arr("matchExpressions")?.OfType<JsonObject>() ?? [])
        {
            var key = e.Str("key") ?? "";
            var values = string.Join(",", e.Arr("values").StringItems().Order(StringComparer.Ordinal));
            terms.Add((key, e.Str("operator") switch
            {
                "In" => key + " in (" + values + ")",
                "NotIn" => key + " notin (" + values + ")",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                _ => key,
            }));
        }

        return string.Join(",", terms.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Text));
    }

    /// <summary>An endpoint IP, as EndpointSlice validation accepts it: a valid address of the family, not unspecified, loopback or link-local.</summary>
    public static IReadOnlyList<string> EndpointIp(string value, AddressFamily family)
    {
        if (!IPAddress.TryParse(value, out var ip) || ip.AddressFamily != family || value.Contains('%', StringComparison.Ordinal))
        {
            return [family == AddressFamily.InterNetwork ? "must be a valid IPv4 address" : "must be a valid IPv6 address"];
        }

        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            return [string.Create(CultureInfo.InvariantCulture, $"may not be unspecified ({value})")];
        }

        if (IPAddress.IsLoopback(ip))
        {
            return ["may not be in the loopback range (127.0.0.0/8, ::1/128)"];
        }

        var bytes = ip.GetAddressBytes();
        if ((family == AddressFamily.InterNetwork && bytes[0] == 169 && bytes[1] == 254) || ip.IsIPv6LinkLocal)
        {
            return ["may not be in the link-local range (169.254.0.0/16, fe80::/10)"];
        }

        if ((family == AddressFamily.InterNetwork && bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0) ||
            (family == AddressFamily.InterNetworkV6 && bytes[0] == 0xff && (bytes[1] & 0x0f) == 2))
        {
            return ["may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"];
        }

        return [];
    }

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePattern();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValuePattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123SubdomainPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123LabelPattern();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKeyPattern();
}
