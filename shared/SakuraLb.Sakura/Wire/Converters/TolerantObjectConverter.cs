using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// Some API responses put <c>[]</c>, <c>[[]]</c>, <c>[""]</c> or <c>""</c> where an object is expected
/// (empty <c>Remark.Network</c> and friends). Reads an object normally and any other shape as null.
/// <see cref="WireJson"/> puts it on every property whose type is a wire record.
/// </summary>
internal sealed class TolerantObjectConverter<T> : JsonConverter<T>
    where T : class
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
        }

        reader.Skip();
        return null;
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
}

/// <summary>
/// A list whose elements should be objects (or strings, for <c>T = string</c>). Placeholder elements
/// (<c>[]</c>, <c>""</c>, <c>null</c>) are dropped; a missing list, <c>null</c> or a non-array reads as empty,
/// so callers never see a null list. <see cref="WireJson"/> puts it on every list of wire records or strings.
/// </summary>
internal sealed class TolerantListConverter<T> : JsonConverter<IReadOnlyList<T>>
    where T : class
{
    public override bool HandleNull => true;

    public override IReadOnlyList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return [];
        }

        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (IsElement(reader.TokenType, reader))
            {
                var item = JsonSerializer.Deserialize(ref reader, typeInfo);
                if (item is not null)
                {
                    items.Add(item);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return items;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options)
    {
        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        writer.WriteStartArray();
        foreach (var item in value ?? [])
        {
            JsonSerializer.Serialize(writer, item, typeInfo);
        }

        writer.WriteEndArray();
    }

    private static bool IsElement(JsonTokenType token, Utf8JsonReader reader) =>
        typeof(T) == typeof(string)
            ? token == JsonTokenType.String && reader.ValueSpan.Length > 0
            : token == JsonTokenType.StartObject;
}

/// <summary>
/// Like <see cref="TolerantListConverter{T}"/> but keeps a null in place of every placeholder element,
/// for lists whose positions mean something (VPC router interface <c>i</c> belongs to NIC <c>i</c>).
/// </summary>
internal sealed class PositionalListConverter<T> : JsonConverter<IReadOnlyList<T?>>
    where T : class
{
    public override bool HandleNull => true;

    public override IReadOnlyList<T?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return [];
        }

        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        var items = new List<T?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                items.Add(JsonSerializer.Deserialize(ref reader, typeInfo));
            }
            else
            {
                reader.Skip();
                items.Add(null);
            }
        }

        return items;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T?> value, JsonSerializerOptions options)
    {
        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        writer.WriteStartArray();
        foreach (var item in value ?? [])
        {
            if (item is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                JsonSerializer.Serialize(writer, item, typeInfo);
            }
        }

        writer.WriteEndArray();
    }
}
