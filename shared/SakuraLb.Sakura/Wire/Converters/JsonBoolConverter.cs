using System.Text.Json;
using System.Text.Json.Serialization;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>A plain JSON bool that also reads the string forms (<c>"true"</c>) on the way in.</summary>
internal sealed class JsonBoolConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new StringFlagConverter().Read(ref reader, typeToConvert, options);

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) =>
        writer.WriteBooleanValue(value);
}
