using System.Text.Json;

namespace SakuraSim.Tests;

/// <summary>
/// Compares the shape of a simulated answer with a real response: every field of the real one must be in
/// the simulated one with the same JSON type. A null in the real response says nothing (a client reads it
/// like a missing field); arrays are compared element by element as far as both go. Paths (dotted, arrays
/// as <c>[]</c>) can be left out when the simulator does not claim them.
/// </summary>
internal static class JsonShape
{
    public static IReadOnlyList<string> Differences(JsonNode? real, JsonNode? simulated, IReadOnlySet<string> ignored)
    {
        var differences = new List<string>();
        Compare(real, simulated, "", ignored, differences);
        return differences;
    }

    private static void Compare(JsonNode? real, JsonNode? simulated, string path, IReadOnlySet<string> ignored, List<string> differences)
    {
        if (ignored.Contains(path) || real is null)
        {
            return;
        }

        switch (real)
        {
            case JsonObject realObject when simulated is JsonObject simObject:
                foreach (var (key, value) in realObject)
                {
                    var child = path.Length == 0 ? key : $"{path}.{key}";
                    // A null in the real response reads like an absent field to any client.
                    if (ignored.Contains(child) || value is null)
                    {
                        continue;
                    }

                    if (!simObject.TryGetPropertyValue(key, out var simValue))
                    {
                        differences.Add($"{child}: missing");
                        continue;
                    }

                    Compare(value, simValue, child, ignored, differences);
                }

                break;
            case JsonArray realArray when simulated is JsonArray simArray:
                for (var i = 0; i < Math.Min(realArray.Count, simArray.Count); i++)
                {
                    Compare(realArray[i], simArray[i], path + "[]", ignored, differences);
                }

                break;
            default:
                var realKind = Kind(real);
                var simKind = Kind(simulated);
                if (realKind != simKind)
                {
                    differences.Add($"{path}: real {realKind}, simulated {simKind}");
                }

                break;
        }
    }

    private static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString()!.ToLowerInvariant(),
    };

    public static JsonNode Fixture(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)))!;
}
