using System.Text.Json;
using System.Text.Json.Serialization;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// The common half of the converters of optional values the API sends in more than one form: JSON null reads as
/// null and null writes as JSON null; the subclass reads any other token and writes a present value.
/// </summary>
internal abstract class NullableValueConverter<T> : JsonConverter<T?>
    where T : struct
{
    public sealed override bool HandleNull => true;

    public sealed override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : ReadValue(ref reader);

    public sealed override void Write(Utf8JsonWriter writer, T? value, JsonSerializerOptions options)
    {
        if (value is { } present)
        {
            WriteValue(writer, present);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Reads a token other than null: the value, or null (having skipped the token) where the token is not one.</summary>
    protected abstract T? ReadValue(ref Utf8JsonReader reader);

    protected abstract void WriteValue(Utf8JsonWriter writer, T value);
}
