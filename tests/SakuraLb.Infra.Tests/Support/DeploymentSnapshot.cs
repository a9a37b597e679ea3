using System.Text.Json.Nodes;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>The resources a deployment would create (output of <c>bicep snapshot</c>), with helpers to read them.</summary>
internal sealed class DeploymentSnapshot
{
    private DeploymentSnapshot(JsonObject root)
    {
        Root = root;
        Resources = [.. root["predictedResources"]!.AsArray().Select(r => r!.AsObject())];
        Diagnostics = [.. root["diagnostics"]?.AsArray().Select(d => d!.ToJsonString()) ?? []];
    }

    public JsonObject Root { get; }

    public IReadOnlyList<JsonObject> Resources { get; }

    public IReadOnlyList<string> Diagnostics { get; }

    public static DeploymentSnapshot Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path))!.AsObject());

    public IReadOnlyList<JsonObject> OfType(string type) =>
        [.. Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase))];

    public JsonObject Single(string type)
    {
        var matches = OfType(type);
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"Expected one {type}, found {matches.Count}.");
    }

    /// <summary>The value at a path of property names under a resource, evaluated.</summary>
    public static ArmValue Value(JsonObject resource, params string[] path)
    {
        JsonNode? node = resource;
        foreach (var segment in path)
        {
            node = node?.AsObject()[segment];
        }

        return ArmExpression.Evaluate(node);
    }

    public static string Id(JsonObject resource) => (string?)resource["id"] ?? throw new InvalidOperationException("A resource has no id.");

    public static string Name(JsonObject resource) => (string?)resource["name"] ?? throw new InvalidOperationException("A resource has no name.");

    /// <summary>The function app's app settings, name → evaluated value (names are unique or the test fails).</summary>
    public IReadOnlyDictionary<string, ArmValue> AppSettings()
    {
        var site = Single("Microsoft.Web/sites");
        var settings = new Dictionary<string, ArmValue>(StringComparer.Ordinal);
        foreach (var entry in site["properties"]!["siteConfig"]!["appSettings"]!.AsArray())
        {
            var name = (string)entry!["name"]!;
            if (!settings.TryAdd(name, ArmExpression.Evaluate(entry["value"])))
            {
                throw new InvalidOperationException($"App setting {name} appears twice.");
            }
        }

        return settings;
    }

    public ArmValue Output(string name) => ArmExpression.Evaluate(Root["outputs"]?[name]);
}
