using System.Text.Json;
using System.Text.Json.Serialization;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// Reads an enum from its name in any case (<c>"up"</c>, <c>"UP"</c>); an unknown or missing value reads
/// as the enum's zero value (by convention <c>Unknown</c>), so a new state added by the API never breaks
/// a read. Writes the lower-case name, the API's spelling.
/// </summary>
internal sealed class TolerantEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String
            && Enum.TryParse<TEnum>(reader.GetString(), ignoreCase: true, out var value)
            && Enum.IsDefined(value))
        {
            return value;
        }

        reader.Skip();
        return default;
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString().ToLowerInvariant());
}
