using System.Text.Json;
using System.Text.Json.Serialization;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// Booleans inside load-balancer settings travel as strings (<c>"Enabled": "True"</c>). Reads
/// <c>true/on/1/yes</c> in any case, or a JSON bool or number, as true; everything else (including
/// null and missing) as false. Writes <c>"True"</c> or <c>"False"</c>, the form the official clients send.
/// </summary>
internal sealed class StringFlagConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
            case JsonTokenType.Null:
                return false;
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var n) && n != 0;
            case JsonTokenType.String:
                return IsTrue(reader.GetString());
            default:
                reader.Skip();
                return false;
        }
    }

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value ? "True" : "False");

    internal static bool IsTrue(string? text) =>
        text?.Trim().ToUpperInvariant() is "TRUE" or "ON" or "1" or "YES";
}
