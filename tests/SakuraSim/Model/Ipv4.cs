using System.Globalization;

namespace SakuraSim.Model;

/// <summary>An IPv4 address as a 32-bit number, so blocks and ranges are plain arithmetic.</summary>
internal readonly record struct Ipv4(uint Value) : IComparable<Ipv4>
{
    /// <summary>Strict dotted-quad parsing: the API never accepts shorthand forms such as "10.1".</summary>
    public static bool TryParse(string? text, out Ipv4 address)
    {
        address = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        uint value = 0;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit))
            {
                return false;
            }

            var octet = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
        }

        address = new Ipv4(value);
        return true;
    }

    public static Ipv4 Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv4 address.");

    public Ipv4 Add(long offset) => new((uint)(Value + offset));

    public int CompareTo(Ipv4 other) => Value.CompareTo(other.Value);

    public static bool operator <(Ipv4 left, Ipv4 right) => left.Value < right.Value;

    public static bool operator >(Ipv4 left, Ipv4 right) => left.Value > right.Value;

    public static bool operator <=(Ipv4 left, Ipv4 right) => left.Value <= right.Value;

    public static bool operator >=(Ipv4 left, Ipv4 right) => left.Value >= right.Value;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value >> 24}.{(Value >> 16) & 255}.{(Value >> 8) & 255}.{Value & 255}");
}

/// <summary>An aligned IPv4 block such as 203.0.113.96/28.</summary>
internal readonly record struct Ipv4Block(Ipv4 Network, int MaskLength)
{
    public long Size => 1L << (32 - MaskLength);

    public Ipv4 Broadcast => Network.Add(Size - 1);

    public bool Contains(Ipv4 address) => address >= Network && address <= Broadcast;

    public bool Overlaps(Ipv4Block other) => Network <= other.Broadcast && other.Network <= Broadcast;

    /// <summary>The block of the given length that contains <paramref name="address"/>.</summary>
    public static Ipv4Block Containing(Ipv4 address, int maskLength)
    {
        var mask = maskLength == 0 ? 0u : uint.MaxValue << (32 - maskLength);
        return new Ipv4Block(new Ipv4(address.Value & mask), maskLength);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{MaskLength}");
}
