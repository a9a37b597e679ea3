using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using YamlDotNet.Serialization;

namespace SakuraLb.Kubectl.Output;

/// <summary>The -o formats: the table (default), json and yaml with the same fields (camelCase, nulls left out).</summary>
internal static class Formats
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static FlagSpec OutputFlag { get; } = new("output", 'o', true, "output format: table (default), json or yaml");

    /// <summary>The requested format; a usage error for anything else.</summary>
    public static string Of(CommandLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var format = line.Value("output") ?? "table";
        return format is "table" or "json" or "yaml"
            ? format
            : throw PluginException.Usage($"unable to match a printer suitable for the output format \"{format}\", allowed formats are: json,table,yaml");
    }

    /// <summary>The items as a kubectl-style list document in JSON or YAML.</summary>
    public static string Structured<T>(string format, string kind, IReadOnlyList<T> items)
    {
        var document = new JsonObject
        {
            ["apiVersion"] = "sakuralb.k8s.usacloud.jp/v1",
            ["kind"] = kind,
            ["items"] = JsonSerializer.SerializeToNode(items, Json),
        };
        return format == "json"
            ? document.ToJsonString(Json) + Environment.NewLine
            : Yaml(document);
    }

    /// <summary>A JSON document as YAML.</summary>
    public static string Yaml(JsonNode document) => new SerializerBuilder().Build().Serialize(Plain(document));

    // YamlDotNet writes dictionaries, lists and scalars; the JSON tree becomes those, so both formats have the same fields.
    private static object? Plain(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v => v.ToString(),
        _ => null,
    };
}
