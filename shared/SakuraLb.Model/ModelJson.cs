using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SakuraLb.Model;

/// <summary>Serialization helpers over <see cref="ModelJsonContext"/> (no reflection, trimming-safe).</summary>
public static class ModelJson
{
    /// <summary>The options of the generated context, for ASP.NET Core or HttpClient JSON helpers.</summary>
    public static JsonSerializerOptions Options => ModelJsonContext.Default.Options;

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    public static byte[] SerializeToUtf8Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    /// <summary>Deserializes or throws <see cref="JsonException"/>.</summary>
    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize(json, TypeInfo<T>());

    /// <summary>Deserializes or throws <see cref="JsonException"/>.</summary>
    public static T? Deserialize<T>(ReadOnlySpan<byte> utf8Json) => JsonSerializer.Deserialize(utf8Json, TypeInfo<T>());

    /// <summary>
    /// Deserializes without throwing; on failure <paramref name="error"/> says where the JSON is wrong, in
    /// words fit for a 400 response (no stack trace, no type names).
    /// </summary>
    public static bool TryDeserialize<T>(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out T? value, out string? error)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize(utf8Json, TypeInfo<T>());
        }
        catch (JsonException ex)
        {
            value = null;
            error = $"invalid JSON at {ex.Path ?? "$"} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})";
            return false;
        }

        if (value is null)
        {
            error = "the body is empty or null";
            return false;
        }

        error = null;
        return true;
    }

    /// <inheritdoc cref="TryDeserialize{T}(ReadOnlySpan{byte}, out T, out string)"/>
    public static bool TryDeserialize<T>(string json, [NotNullWhen(true)] out T? value, out string? error)
        where T : class =>
        TryDeserialize(System.Text.Encoding.UTF8.GetBytes(json), out value, out error);

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        ModelJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new NotSupportedException($"{typeof(T).Name} is not part of the relay/function protocol.");
}
