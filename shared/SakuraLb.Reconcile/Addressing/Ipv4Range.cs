namespace SakuraLb.Reconcile.Addressing;

/// <summary>An inclusive range of IPv4 addresses (First ≤ Last).</summary>
public sealed record Ipv4Range
{
    public Ipv4Range(Ipv4Address first, Ipv4Address last)
    {
        if (last < first)
        {
            throw new ArgumentException($"range end {last} is before its start {first}", nameof(last));
        }

        First = first;
        Last = last;
    }

    public Ipv4Address First { get; }

    public Ipv4Address Last { get; }

    public long Count => (long)Last.Value - First.Value + 1;

    public bool Contains(Ipv4Address address) => address >= First && address <= Last;

    public IEnumerable<Ipv4Address> Addresses()
    {
        for (long v = First.Value; v <= Last.Value; v++)
        {
            yield return new Ipv4Address((uint)v);
        }
    }

    public override string ToString() => $"{First}–{Last}";
}

/// <summary>A CIDR block: network address and prefix length.</summary>
public sealed record Ipv4Block
{
    /// <summary>Any address of the block with its prefix length; host bits are cleared.</summary>
    public Ipv4Block(Ipv4Address network, int prefixLength)
    {
        if (prefixLength is < 0 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "prefix length must be 0–32");
        }

        PrefixLength = prefixLength;
        Network = new Ipv4Address(network.Value & Mask(prefixLength));
    }

    public Ipv4Address Network { get; }

    public int PrefixLength { get; }

    public Ipv4Address Broadcast => new(Network.Value | ~Mask(PrefixLength));

    public Ipv4Range Range => new(Network, Broadcast);

    public bool Contains(Ipv4Address address) => (address.Value & Mask(PrefixLength)) == Network.Value;

    public static bool TryParse(string? cidr, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Ipv4Block? block)
    {
        block = null;
        var slash = cidr?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0
            || !Ipv4Address.TryParse(cidr![..slash], out var address)
            || !int.TryParse(cidr[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            || prefix > 32)
        {
            return false;
        }

        block = new Ipv4Block(address, prefix);
        return true;
    }

    public override string ToString() => $"{Network}/{PrefixLength}";

    private static uint Mask(int prefixLength) => prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
}
