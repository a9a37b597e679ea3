using System.Text;
using SakuraLb.Model.Signing;

namespace SakuraLb.Reconcile.Tests.Model;

public sealed class RequestSignatureTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("s3cret");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"version\":1}");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private static SignatureCheck Check(
        byte[][] secrets,
        long timestamp,
        string nonce,
        string? signature,
        string method = "POST",
        string path = "/api/events",
        byte[]? body = null,
        DateTimeOffset? now = null) =>
        RequestSignature.Verify(secrets, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), nonce, signature, method, path, body ?? Body, now ?? Now, Skew);

    private static string SignNow(byte[] secret, string nonce = "abc123", string method = "POST", string path = "/api/events") =>
        RequestSignature.Sign(secret, Now.ToUnixTimeSeconds(), nonce, method, path, Body);

    [Fact]
    public void Verify_SignatureFromSign_IsValid() =>
        Assert.Equal(SignatureCheck.Valid, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret)));

    [Fact]
    public void Verify_PreviousSecretDuringRotation_IsValid() =>
        Assert.Equal(SignatureCheck.Valid, Check([Encoding.UTF8.GetBytes("new"), Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret)));

    [Fact]
    public void Verify_WrongSecret_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check([Encoding.UTF8.GetBytes("other")], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret)));

    [Fact]
    public void Verify_ChangedBody_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret), body: Encoding.UTF8.GetBytes("{\"version\":2}")));

    [Theory]
    [InlineData("GET", "/api/events")]
    [InlineData("POST", "/api/resync")]
    public void Verify_OtherMethodOrPath_IsMismatch(string method, string path) =>
        Assert.Equal(SignatureCheck.Mismatch, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret), method, path));

    [Fact]
    public void Verify_OtherNonce_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check([Secret], Now.ToUnixTimeSeconds(), "zzz999", SignNow(Secret)));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Verify_TimestampOutsideSkew_IsStale(int offsetSeconds)
    {
        var at = Now.AddSeconds(offsetSeconds);
        var signature = RequestSignature.Sign(Secret, at.ToUnixTimeSeconds(), "abc123", "POST", "/api/events", Body);
        Assert.Equal(SignatureCheck.Stale, Check([Secret], at.ToUnixTimeSeconds(), "abc123", signature));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_NoSignature_IsMissing(string? signature) =>
        Assert.Equal(SignatureCheck.Missing, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", signature));

    [Theory]
    [InlineData("abcdef")]
    [InlineData("v1=not-hex")]
    [InlineData("v2=00")]
    public void Verify_BadSignatureForm_IsMalformed(string signature) =>
        Assert.Equal(SignatureCheck.Malformed, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", signature));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("soon")]
    public void Verify_BadTimestamp_IsMalformed(string timestamp) =>
        Assert.Equal(
            SignatureCheck.Malformed,
            RequestSignature.Verify([Secret], timestamp, "abc123", SignNow(Secret), "POST", "/api/events", Body, Now, Skew));

    [Fact]
    public void Verify_NonceWithPunctuation_IsMalformed() =>
        Assert.Equal(SignatureCheck.Malformed, Check([Secret], Now.ToUnixTimeSeconds(), "a;b", SignNow(Secret, "a;b")));

    [Fact]
    public void NewNonce_IsHexAndDistinct()
    {
        var a = RequestSignature.NewNonce();
        var b = RequestSignature.NewNonce();
        Assert.NotEqual(a, b);
        Assert.Equal(32, a.Length);
        Assert.All(a, c => Assert.True(Uri.IsHexDigit(c)));
    }
}
