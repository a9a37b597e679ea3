using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeSim.Json;

/// <summary>Small null-tolerant accessors over System.Text.Json nodes, used everywhere objects are read.</summary>
internal static class JsonNav
{
    public static JsonObject? Obj(this JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonObject child ? child : null;

    public static JsonArray? Arr(this JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonArray child ? child : null;

    public static string? Str(this JsonNode? node, string name) =>
        node is JsonObject o ? AsString(o[name]) : null;

    public static string? AsString(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Int(this JsonNode? node, string name) =>
        node is JsonObject o ? AsInt(o[name]) : null;

    public static long? AsInt(this JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        return v.TryGetValue<long>(out var l) ? l
            : v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 ? (long)d
            : long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : null;
    }

    public static bool? Bool(this JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v
            ? v.GetValueKind() switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null }
            : null;

    public static JsonObject GetOrAddObject(this JsonObject o, string name)
    {
        if (o[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        o[name] = created;
        return created;
    }

    public static JsonObject Meta(this JsonObject obj) => obj.GetOrAddObject("metadata");

    public static string Name(this JsonObject obj) => obj.Obj("metadata").Str("name") ?? "";

    public static string Namespace(this JsonObject obj) => obj.Obj("metadata").Str("namespace") ?? "";

    public static string ResourceVersion(this JsonObject obj) => obj.Obj("metadata").Str("resourceVersion") ?? "";

    public static IReadOnlyDictionary<string, string> StringMap(this JsonNode? node, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Obj(name) is { } o)
        {
            foreach (var (k, v) in o)
            {
                map[k] = v.AsString() ?? v?.ToJsonString() ?? "";
            }
        }

        return map;
    }

    public static IEnumerable<string> StringItems(this JsonArray? array) =>
        array is null ? [] : array.Select(n => n.AsString()).OfType<string>();

    /// <summary>Deep copy typed as an object, for handing stored state to callers without sharing it.</summary>
    public static JsonObject CloneObject(this JsonObject obj) => (JsonObject)obj.DeepClone();

    // Kubernetes clients expect plain JSON; the default encoder would escape quotes inside annotation values as \u0022.
    public static readonly JsonSerializerOptions WireOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions WireWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToWireJson(this JsonNode node) => node.ToJsonString(WireOptions);

    public static JsonObject ParseObject(string json) =>
        JsonNode.Parse(json) as JsonObject ?? throw new JsonException("expected a JSON object");

    public static string Quote(string s) => JsonSerializer.Serialize(s);
}
