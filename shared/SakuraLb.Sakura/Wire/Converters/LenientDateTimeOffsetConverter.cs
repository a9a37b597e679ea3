using System.Globalization;
using System.Text.Json;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// Timestamps are ISO-8601 with an offset (<c>2019-10-23T20:40:02+09:00</c>). An empty, null or
/// unparseable value reads as null: a timestamp is never worth failing a read for.
/// </summary>
internal sealed class LenientDateTimeOffsetConverter : NullableValueConverter<DateTimeOffset>
{
    protected override DateTimeOffset? ReadValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String
            && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        reader.Skip();
        return null;
    }

    protected override void WriteValue(Utf8JsonWriter writer, DateTimeOffset value) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
}
