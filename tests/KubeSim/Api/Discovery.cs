using System.Text.Json.Nodes;

namespace KubeSim.Api;

/// <summary>
/// Legacy discovery documents (<c>/api</c>, <c>/api/v1</c>, <c>/apis</c>, <c>/apis/{group}[/{version}]</c>),
/// <c>/version</c>, and a minimal OpenAPI v3: just enough for kubectl to learn that PATCH accepts
/// <c>fieldValidation</c>, so it validates on the server instead of needing a full schema.
/// </summary>
internal static class Discovery
{
    public const string GitVersion = "v1.32.0";
    private const string SpecHash = "kubesim-0001";

    public static JsonObject Versions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(ResourceCatalog.Groups.Select(g => (JsonNode)Group(g, withKind: false)).ToArray()),
    };

    public static JsonObject Group(string group, bool withKind = true)
    {
        var version = ResourceCatalog.All.First(r => r.Group == group).Version;
        var gv = new JsonObject { ["groupVersion"] = group + "/" + version, ["version"] = version };
        var doc = new JsonObject
        {
            ["name"] = group,
            ["versions"] = new JsonArray(gv),
            ["preferredVersion"] = gv.DeepClone(),
        };
        if (withKind)
        {
            doc["kind"] = "APIGroup";
            doc["apiVersion"] = "v1";
        }

        return doc;
    }

    public static JsonObject ResourceList(string group, string version)
    {
        var resources = new JsonArray();
        foreach (var r in ResourceCatalog.InGroupVersion(group, version))
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = new JsonArray(r.Verbs.Select(v => (JsonNode)v).ToArray()),
            };
            if (r.ShortNames.Count > 0)
            {
                entry["shortNames"] = new JsonArray(r.ShortNames.Select(v => (JsonNode)v).ToArray());
            }

            if (r.Categories is { Count: > 0 } categories)
            {
                entry["categories"] = new JsonArray(categories.Select(v => (JsonNode)v).ToArray());
            }

            resources.Add(entry);
            if (r.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = r.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = r.Namespaced,
                    ["kind"] = r.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        };
    }

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject OpenApiV3Index()
    {
        var paths = new JsonObject();
        foreach (var (group, version) in GroupVersions())
        {
            var key = GroupVersionPath(group, version);
            paths[key] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + key + "?hash=" + SpecHash };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The OpenAPI v3 document for one group/version ("api/v1", "apis/coordination.k8s.io/v1"), or null.</summary>
    public static JsonObject? OpenApiV3(string groupVersionPath)
    {
        var match = GroupVersions().Where(gv => GroupVersionPath(gv.Group, gv.Version) == groupVersionPath).ToList();
        if (match.Count == 0)
        {
            return null;
        }

        var (group, version) = match[0];
        var paths = new JsonObject();
        foreach (var r in ResourceCatalog.InGroupVersion(group, version))
        {
            var prefix = "/" + groupVersionPath + (r.Namespaced ? "/namespaces/{namespace}/" : "/") + r.Plural;
            var gvk = new JsonObject { ["group"] = r.Group, ["kind"] = r.Kind, ["version"] = r.Version };
            paths[prefix] = new JsonObject { ["post"] = Operation("create", gvk, withFieldValidation: true) };
            paths[prefix + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("get", gvk, withFieldValidation: false),
                ["put"] = Operation("put", gvk, withFieldValidation: true),
                ["patch"] = Operation("patch", gvk, withFieldValidation: true),
                ["delete"] = Operation("delete", gvk, withFieldValidation: false),
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Operation(string action, JsonObject gvk, bool withFieldValidation)
    {
        var parameters = new JsonArray(new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } });
        if (withFieldValidation)
        {
            parameters.Add(new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        return new JsonObject
        {
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
            ["parameters"] = parameters,
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
        };
    }

    private static IEnumerable<(string Group, string Version)> GroupVersions() =>
        ResourceCatalog.All.Select(r => (r.Group, r.Version)).Distinct();

    private static string GroupVersionPath(string group, string version) => group.Length == 0 ? "api/" + version : "apis/" + group + "/" + version;
}
