using System.Text;
using SakuraLb.Model.Transport;

namespace SakuraLb.Reconcile.Tests.Model;

public sealed class GzipBodyTests
{
    [Fact]
    public void Decompress_OfCompress_GivesTheOriginalBytes()
    {
        var json = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"name\":\"worker01\"},", 500)));

        var packed = GzipBody.Compress(json);
        var result = GzipBody.Decompress(packed, json.Length);

        Assert.True(packed.Length < json.Length / 10);
        Assert.Equal(GunzipOutcome.Ok, result.Outcome);
        Assert.Equal(json, result.Data);
    }

    [Fact]
    public void Decompress_AboveTheCap_IsTooLargeWithoutInflatingEverything()
    {
        var bomb = GzipBody.Compress(new byte[10_000_000]);

        var result = GzipBody.Decompress(bomb, 1_000_000);

        Assert.Equal(GunzipOutcome.TooLarge, result.Outcome);
        Assert.Null(result.Data);
    }

    [Theory]
    [InlineData("{\"version\":1}")]
    [InlineData("")]
    public void Decompress_NotGzip_IsInvalid(string body) =>
        Assert.Equal(GunzipOutcome.Invalid, GzipBody.Decompress(Encoding.UTF8.GetBytes(body), 1000).Outcome);

    [Fact]
    public void Decompress_TruncatedStream_IsInvalid()
    {
        var packed = GzipBody.Compress(Encoding.UTF8.GetBytes(new string('x', 5000) + "tail"));

        Assert.Equal(GunzipOutcome.Invalid, GzipBody.Decompress(packed[..(packed.Length / 2)], 100_000).Outcome);
    }
}
