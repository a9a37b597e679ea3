namespace SakuraLb.Reconcile.Tests.Model;

public sealed class ResourceVersionsTests
{
    [Theory]
    [InlineData("9", "10", -1)]
    [InlineData("10", "9", 1)]
    [InlineData("100", "100", 0)]
    [InlineData("0010", "10", 0)]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567889", 1)]
    [InlineData("", "1", -1)]
    [InlineData(null, null, 0)]
    [InlineData("abc", "abd", -1)]
    public void Compare_OrdersNumericallyWhenPossible(string? left, string? right, int expected)
    {
        Assert.Equal(expected, ResourceVersions.Compare(left, right));
        Assert.Equal(-expected, ResourceVersions.Compare(right, left));
    }

    [Theory]
    [InlineData("9", "10", true)]
    [InlineData("x", "10", false)]
    [InlineData("", "10", false)]
    [InlineData("-1", "10", false)]
    public void TryCompare_OnlyForDecimalIntegers(string left, string right, bool expected)
    {
        Assert.Equal(expected, ResourceVersions.TryCompare(left, right, out _));
    }

    [Theory]
    [InlineData("11", "10", true)]
    [InlineData("10", "10", false)]
    [InlineData("9", "10", false)]
    [InlineData("1", null, true)]
    [InlineData("", "5", false)]
    [InlineData("opaque-b", "opaque-a", true)]
    [InlineData("opaque-a", "opaque-a", false)]
    public void IsNewer_DecidesWhichSnapshotWins(string? candidate, string? current, bool expected)
    {
        Assert.Equal(expected, ResourceVersions.IsNewer(candidate, current));
    }
}
