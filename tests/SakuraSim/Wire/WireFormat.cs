using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SakuraSim.Wire;

/// <summary>Encodings shared by every response: timestamps, IDs, serialisation.</summary>
internal static class WireFormat
{
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    private static readonly JsonSerializerOptions Compact = new()
    {
        // Real responses carry Japanese text as UTF-8, not \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Indented = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    /// <summary>ISO-8601 with the JST offset, as the API writes dates.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.ToOffset(Jst).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static JsonNode? Timestamp(DateTimeOffset? time) => time is { } t ? Timestamp(t) : null;

    /// <summary>
    /// Without <c>X-Sakura-Bigint-As-Int: 1</c> the API returns big integer IDs as strings.
    /// "Big" is taken literally: an <c>ID</c> beyond the 32-bit range (the 12-digit resource IDs);
    /// small IDs such as zone 31001 or plan 1 stay numbers either way.
    /// </summary>
    public static void StringifyBigIds(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "ID" && value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
                        && v.TryGetValue(out long id) && id > int.MaxValue)
                    {
                        obj[key] = id.ToString(CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        StringifyBigIds(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    StringifyBigIds(item);
                }

                break;
        }
    }

    public static string Serialize(JsonNode node, bool indented = false) =>
        node.ToJsonString(indented ? Indented : Compact);

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
