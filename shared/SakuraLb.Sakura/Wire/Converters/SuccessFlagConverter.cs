using System.Text.Json;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// <c>Success</c> is a bool or a string such as <c>"Accepted"</c> (appliance create, power and config calls).
/// </summary>
internal sealed class SuccessFlagConverter : NullableValueConverter<SuccessFlag>
{
    protected override SuccessFlag? ReadValue(ref Utf8JsonReader reader)
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

    protected override void WriteValue(Utf8JsonWriter writer, SuccessFlag value)
    {
        if (value.Text is { } text)
        {
            writer.WriteStringValue(text);
        }
        else
        {
            writer.WriteBooleanValue(value.IsSuccess);
        }
    }
}
