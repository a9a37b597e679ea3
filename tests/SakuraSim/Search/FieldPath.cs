using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SakuraSim.Search;

/// <summary>Reads dotted paths such as <c>Switch.ID</c> or <c>Interfaces.Switch.ID</c> out of a wire object.</summary>
internal static class FieldPath
{
    /// <summary>
    /// Every scalar at the path; arrays on the way are flattened. <c>Tags.Name</c> means the tag
    /// strings themselves (tags are plain strings on the wire but filtered as if they had a Name).
    /// </summary>
    public static List<JsonNode?> Values(JsonObject item, string path)
    {
        if (path is "Tags.Name")
        {
            path = "Tags";
        }

        var current = new List<JsonNode?> { item };
        foreach (var segment in path.Split('.'))
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                if (node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child))
                {
                    Flatten(child, next);
                }
            }

            current = next;
        }

        return current;
    }

    private static void Flatten(JsonNode? node, List<JsonNode?> into)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Flatten(item, into);
            }
        }
        else
        {
            into.Add(node);
        }
    }

    /// <summary>A comparable text form: "12" for both 12 and "12", so IDs match in either encoding.</summary>
    public static string? Canonical(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.Number => node.ToJsonString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static int Compare(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return left is null ? (right is null ? 0 : -1) : 1;
        }

        if (decimal.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out var l)
            && decimal.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out var r))
        {
            return l.CompareTo(r);
        }

        if (DateTimeOffset.TryParse(left, CultureInfo.InvariantCulture, DateTimeStyles.None, out var lt)
            && DateTimeOffset.TryParse(right, CultureInfo.InvariantCulture, DateTimeStyles.None, out var rt))
        {
            return lt.CompareTo(rt);
        }

        return string.CompareOrdinal(left, right);
    }
}
