using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Addressing;

public sealed class Ipv4Tests
{
    [Theory]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("203.0.113.5", 0xCB007105u)]
    [InlineData("255.255.255.255", uint.MaxValue)]
    public void TryParse_DottedQuad_ParsesValue(string text, uint expected)
    {
        Assert.True(Ipv4Address.TryParse(text, out var address));
        Assert.Equal(expected, address.Value);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.0.0.1")]
    [InlineData("01.2.3.4")]
    [InlineData("1..3.4")]
    [InlineData(" 1.2.3.4")]
    [InlineData("1.2.3.4 ")]
    [InlineData("a.b.c.d")]
    [InlineData("1.2.3.-4")]
    [InlineData("::1")]
    [InlineData("1.2.3.4/32")]
    public void TryParse_Malformed_ReturnsFalse(string? text)
    {
        Assert.False(Ipv4Address.TryParse(text, out _));
    }

    [Fact]
    public void Parse_Malformed_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => Ipv4Address.Parse("nope"));
    }

    [Theory]
    [InlineData("203.0.113.96/28", "203.0.113.96", "203.0.113.111")]
    [InlineData("203.0.113.100/28", "203.0.113.96", "203.0.113.111")]
    [InlineData("10.0.0.0/8", "10.0.0.0", "10.255.255.255")]
    [InlineData("1.2.3.4/32", "1.2.3.4", "1.2.3.4")]
    public void Block_TryParse_ComputesNetworkAndBroadcast(string cidr, string network, string broadcast)
    {
        Assert.True(Ipv4Block.TryParse(cidr, out var block));
        Assert.Equal(Ip(network), block!.Network);
        Assert.Equal(Ip(broadcast), block.Broadcast);
        Assert.True(block.Contains(Ip(network)));
        Assert.False(block.Contains(Ip(broadcast).Add(1)));
    }

    [Theory]
    [InlineData("203.0.113.96")]
    [InlineData("203.0.113.96/33")]
    [InlineData("203.0.113.96/x")]
    [InlineData("x/24")]
    public void Block_TryParse_Malformed_ReturnsFalse(string cidr)
    {
        Assert.False(Ipv4Block.TryParse(cidr, out _));
    }

    [Fact]
    public void Range_CountAndEnumeration_AreInclusive()
    {
        var range = new Ipv4Range(Ip("203.0.113.100"), Ip("203.0.113.110"));

        Assert.Equal(11, range.Count);
        Assert.Equal(11, range.Addresses().Count());
        Assert.Throws<ArgumentException>(() => new Ipv4Range(Ip("1.0.0.2"), Ip("1.0.0.1")));
    }

    [Fact]
    public void RouterNetwork_ReservedAddresses_AreNetworkGatewayRoutersAndBroadcast()
    {
        var reserved = Router.ReservedAddresses.Select(a => a.ToString()).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["203.0.113.111", "203.0.113.96", "203.0.113.97", "203.0.113.98", "203.0.113.99"], reserved);
    }

    [Fact]
    public void RouterNetwork_WrongAssignableRange_StillNeverOffersReservedAddresses()
    {
        var sloppy = Router with { AssignableRange = new Ipv4Range(Ip("203.0.113.90"), Ip("203.0.113.120")) };

        var candidates = sloppy.CandidateAddresses().ToList();

        Assert.Equal(Ip("203.0.113.100"), candidates[0]);
        Assert.Equal(Ip("203.0.113.110"), candidates[^1]);
        Assert.Equal(11, candidates.Count);
    }
}
