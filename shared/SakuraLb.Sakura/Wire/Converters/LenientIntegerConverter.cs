using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// Reads an integer written either as a JSON number or as a numeric string (the API returns
/// <c>Remark.Switch.ID</c> as a string and most other IDs as numbers). Writes a JSON number.
/// </summary>
internal sealed class LenientIntegerConverter<T> : JsonConverter<T>
    where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadInteger(ref reader);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(long.CreateChecked(value));

    internal static T ReadInteger(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number)
            && number >= long.CreateChecked(T.MinValue) && number <= long.CreateChecked(T.MaxValue))
        {
            return T.CreateChecked(number);
        }

        if (reader.TokenType == JsonTokenType.String
            && T.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw new JsonException($"Expected a {typeof(T).Name} (a number or a numeric string), got {reader.TokenType}.");
    }
}

/// <summary>
/// Nullable variant of <see cref="LenientIntegerConverter{T}"/>: <c>null</c> and <c>""</c> read as null
/// (the shared segment's subnet carries <c>"ID": null</c>).
/// </summary>
internal sealed class LenientNullableIntegerConverter<T> : NullableValueConverter<T>
    where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
{
    protected override T? ReadValue(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && string.IsNullOrWhiteSpace(reader.GetString())
            ? null
            : LenientIntegerConverter<T>.ReadInteger(ref reader);

    protected override void WriteValue(Utf8JsonWriter writer, T value) =>
        writer.WriteNumberValue(long.CreateChecked(value));
}
