using System.Globalization;
using System.Text.Json;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// The numbers inside load-balancer settings and status (<c>Port</c>, <c>DelayLoop</c>, health-check
/// <c>Status</c>, <c>Retry</c>, <c>ConnectTimeout</c>, <c>CPS</c>, <c>ActiveConn</c>) travel as strings.
/// Reads a string or a number; <c>null</c>, <c>""</c> and anything that is not an integer read as null
/// (these are informational values, not worth failing a whole read for). Writes a string.
/// </summary>
internal sealed class StringNumberConverter : NullableValueConverter<int>
{
    protected override int? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetInt32(out var number))
                {
                    return number;
                }

                return reader.TryGetDouble(out var d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;
            case JsonTokenType.String:
                var text = reader.GetString();
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                    && real is >= int.MinValue and <= int.MaxValue
                    ? (int)real
                    : null;
            default:
                reader.Skip();
                return null;
        }
    }

    protected override void WriteValue(Utf8JsonWriter writer, int value) =>
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
}
