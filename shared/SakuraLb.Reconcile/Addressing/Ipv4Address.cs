using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SakuraLb.Reconcile.Addressing;

/// <summary>An IPv4 address as a number, so ranges, offsets and ordering are arithmetic.</summary>
[JsonConverter(typeof(Ipv4AddressJsonConverter))]
public readonly record struct Ipv4Address(uint Value) : IComparable<Ipv4Address>
{
    /// <summary>
    /// Parses strict dotted-quad notation ("203.0.113.5"): four decimal octets 0–255, no leading zeros
    /// (which some tools read as octal), no whitespace.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Ipv4Address address)
    {
        address = default;
        if (string.IsNullOrEmpty(text) || text.Length > 15)
        {
            return false;
        }

        uint value = 0;
        var octets = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '.')
            {
                if (text[i] is < '0' or > '9')
                {
                    return false;
                }

                continue;
            }

            var length = i - start;
            if (length is 0 or > 3 || (length > 1 && text[start] == '0'))
            {
                return false;
            }

            var octet = int.Parse(text.AsSpan(start, length), NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255 || ++octets > 4)
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
            start = i + 1;
        }

        if (octets != 4)
        {
            return false;
        }

        address = new Ipv4Address(value);
        return true;
    }

    public static Ipv4Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv4 address.");

    /// <summary>The distinct addresses among <paramref name="values"/> (trimmed; anything else skipped), ascending.</summary>
    public static IReadOnlyList<Ipv4Address> ParseAll(IEnumerable<string?> values) =>
        [.. values.Select(v => TryParse(v?.Trim(), out var a) ? a : (Ipv4Address?)null).OfType<Ipv4Address>().Distinct().Order()];

    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    public static bool operator <(Ipv4Address left, Ipv4Address right) => left.Value < right.Value;

    public static bool operator >(Ipv4Address left, Ipv4Address right) => left.Value > right.Value;

    public static bool operator <=(Ipv4Address left, Ipv4Address right) => left.Value <= right.Value;

    public static bool operator >=(Ipv4Address left, Ipv4Address right) => left.Value >= right.Value;

    /// <summary>The address <paramref name="offset"/> further on (wraps at 2^32, never throws).</summary>
    public Ipv4Address Add(long offset) => new(unchecked((uint)(Value + offset)));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value >> 24}.{(Value >> 16) & 255}.{(Value >> 8) & 255}.{Value & 255}");
}

/// <summary>Writes an <see cref="Ipv4Address"/> as its dotted-quad string.</summary>
public sealed class Ipv4AddressJsonConverter : JsonConverter<Ipv4Address>
{
    public override Ipv4Address Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return Ipv4Address.TryParse(text, out var address)
            ? address
            : throw new JsonException($"'{text}' is not an IPv4 address.");
    }

    public override void Write(Utf8JsonWriter writer, Ipv4Address value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
