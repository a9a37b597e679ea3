namespace KubeSim.Api;

/// <summary>
/// What a request means in Kubernetes terms, derived from method, path and query the way the API
/// server's RequestInfo resolver does it: the verb (get/list/watch/create/update/patch/delete/
/// deletecollection) and the resource, subresource, namespace and name.
/// </summary>
internal sealed record KubeRequestInfo(
    bool IsResourceRequest,
    string Verb,
    string ApiPrefix,
    string ApiGroup,
    string ApiVersion,
    string Namespace,
    string Resource,
    string Subresource,
    string Name)
{
    // Namespace subresources are not resources of their own (namespaces/x/status is the status of x).
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    public static KubeRequestInfo Parse(string method, string path, Func<string, string?> query)
    {
        var nonResource = new KubeRequestInfo(false, method.ToLowerInvariant(), "", "", "", "", "", "", "");
        var parts = path.Trim('/').Split('/', StringSplitOptions.None);
        if (parts.Length == 0 || (parts[0] != "api" && parts[0] != "apis"))
        {
            return nonResource;
        }

        var prefix = parts[0];
        var rest = parts.Skip(1).ToList();
        string group = "";
        if (prefix == "apis")
        {
            if (rest.Count < 3)
            {
                return nonResource; // /apis, /apis/g, /apis/g/v are discovery
            }

            group = rest[0];
            rest.RemoveAt(0);
        }
        else if (rest.Count < 2)
        {
            return nonResource; // /api, /api/v1
        }

        var version = rest[0];
        rest.RemoveAt(0);

        var verb = method.ToUpperInvariant() switch
        {
            "POST" => "create",
            "GET" or "HEAD" => "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => "",
        };

        // Legacy /watch/ prefix: /api/v1/watch/namespaces/x/services
        if (rest.Count > 0 && rest[0] == "watch")
        {
            verb = "watch";
            rest.RemoveAt(0);
        }

        var ns = "";
        if (rest.Count > 0 && rest[0] == "namespaces")
        {
            if (rest.Count > 1)
            {
                ns = rest[1];
                if (rest.Count > 2 && !NamespaceSubresources.Contains(rest[2]))
                {
                    rest = rest.Skip(2).ToList();
                }
            }
        }

        var resource = rest.Count > 0 ? rest[0] : "";
        var name = rest.Count > 1 ? rest[1] : "";
        var sub = rest.Count > 2 ? rest[2] : "";
        if (rest.Count > 3)
        {
            // Deeper paths (proxy/…) are not served; keep them recognisable as resource requests.
            sub = string.Join('/', rest.Skip(2));
        }

        if (verb == "get" && name.Length == 0)
        {
            verb = "list";
        }

        if (verb is "list" or "get" && IsTrue(query("watch")))
        {
            verb = "watch";
        }

        // As kube-apiserver does: a list or watch of one name (fieldSelector metadata.name=X) is that object's request,
        // so RBAC rules with resourceNames can allow it.
        if (verb is "list" or "watch" && name.Length == 0 && NameFromFieldSelector(query("fieldSelector")) is { } selected)
        {
            name = selected;
        }

        if (verb == "delete" && name.Length == 0)
        {
            verb = "deletecollection";
        }

        return new KubeRequestInfo(true, verb, prefix, group, version, ns, resource, sub, name);
    }

    /// <summary>The name a field selector requires exactly (<c>metadata.name=X</c> or <c>==X</c> among its terms), else null.</summary>
    private static string? NameFromFieldSelector(string? selector)
    {
        foreach (var term in (selector ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            var value = term.StartsWith("metadata.name==", StringComparison.Ordinal) ? term["metadata.name==".Length..]
                : term.StartsWith("metadata.name=", StringComparison.Ordinal) ? term["metadata.name=".Length..]
                : null;
            if (value is { Length: > 0 } && !value.Contains('/', StringComparison.Ordinal) && value is not "." and not "..")
            {
                return value;
            }
        }

        return null;
    }

    public static bool IsTrue(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
