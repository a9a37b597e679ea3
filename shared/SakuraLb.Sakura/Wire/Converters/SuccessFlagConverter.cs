using System.Text.Json;
using System.Text.Json.Serialization;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// <c>Success</c> is a bool or a string such as <c>"Accepted"</c> (appliance create, power and config calls).
/// </summary>
internal sealed class SuccessFlagConverter : JsonConverter<SuccessFlag?>
{
    public override bool HandleNull => true;

    public override SuccessFlag? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return new SuccessFlag(true, null);
            case JsonTokenType.False:
                return new SuccessFlag(false, null);
            case JsonTokenType.String:
                var text = reader.GetString();
                var ok = !string.IsNullOrEmpty(text)
                    && !string.Equals(text, "false", StringComparison.OrdinalIgnoreCase);
                return new SuccessFlag(ok, text);
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, SuccessFlag? value, JsonSerializerOptions options)
    {
        if (value is not { } v)
        {
            writer.WriteNullValue();
        }
        else if (v.Text is { } text)
        {
            writer.WriteStringValue(text);
        }
        else
        {
            writer.WriteBooleanValue(v.IsSuccess);
        }
    }
}
