using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

/// <summary>
/// How wire records are read and written: the source-generated metadata (<see cref="Metadata"/>), with tolerance as the
/// default. The API puts placeholders (<c>[]</c>, <c>[[]]</c>, <c>""</c>) where an object or a list is expected, so a
/// property whose type is a wire record reads through <see cref="TolerantObjectConverter{T}"/> and a list of wire
/// records or strings through <see cref="TolerantListConverter{T}"/>, unless the property names its own converter.
/// Both write exactly what the plain metadata writes. The metadata is private to this class, so nothing can read or
/// write without the tolerance.
/// </summary>
internal static partial class WireJson
{
    public static JsonSerializerOptions Options { get; } = new(Metadata.Default.Options)
    {
        TypeInfoResolver = Metadata.Default.WithAddedModifier(MakeTolerant),
    };

    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static void MakeTolerant(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            property.CustomConverter ??= TolerantConverterFor(property.PropertyType);
        }
    }

    private static JsonConverter? TolerantConverterFor(Type type)
    {
        if (IsWireRecord(type))
        {
            return Create(typeof(TolerantObjectConverter<>), type);
        }

        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
            && type.GenericTypeArguments[0] is var item && (item == typeof(string) || IsWireRecord(item))
            ? Create(typeof(TolerantListConverter<>), item)
            : null;
    }

    private static bool IsWireRecord(Type type) => type.IsClass && type.Namespace == typeof(WireJson).Namespace;

    private static JsonConverter Create(Type converter, Type item) =>
        (JsonConverter)Activator.CreateInstance(converter.MakeGenericType(item))!;
}
