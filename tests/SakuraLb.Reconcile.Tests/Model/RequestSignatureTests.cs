using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SakuraLb.Model.Signing;

namespace SakuraLb.Reconcile.Tests.Model;

public sealed class RequestSignatureTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("s3cret");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"version\":1}");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private static readonly SignedFields Fields = new("POST", "/api/events", "prod-1", "application/json; charset=utf-8", "gzip");

    private static SignatureCheck Check(
        byte[][] secrets,
        long timestamp,
        string nonce,
        string? signature,
        SignedFields? fields = null,
        byte[]? body = null,
        DateTimeOffset? now = null,
        bool acceptV1 = true) =>
        RequestSignature.Verify(secrets, timestamp.ToString(CultureInfo.InvariantCulture), nonce, signature, fields ?? Fields, body ?? Body, now ?? Now, Skew, acceptV1);

    private static string SignNow(byte[] secret, string nonce = "abc123", SignedFields? fields = null) =>
        RequestSignature.Sign(secret, Now.ToUnixTimeSeconds(), nonce, fields ?? Fields, Body);

    [Fact]
    public void Verify_SignatureFromSign_IsValid() =>
        Assert.Equal(SignatureCheck.Valid, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret)));

    [Fact]
    public void Sign_IsV2() => Assert.StartsWith("v2=", SignNow(Secret), StringComparison.Ordinal);

    [Fact]
    public void Sign_FollowsTheDocumentedCanonicalForm()
    {
        // docs/protocol.md: "v2\n" then each field as <UTF-8 byte length>:<field>\n, then the body.
        var canonical = "v2\n10:1800000000\n6:abc123\n4:POST\n11:/api/events\n6:prod-1\n31:application/json; charset=utf-8\n4:gzip\n{\"version\":1}";
        var expected = "v2=" + Convert.ToHexStringLower(HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes(canonical)));

        Assert.Equal(expected, SignNow(Secret));
    }

    [Fact]
    public void Verify_PreviousSecretDuringRotation_IsValid() =>
        Assert.Equal(SignatureCheck.Valid, Check([Encoding.UTF8.GetBytes("new"), Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret)));

    [Fact]
    public void Verify_WrongSecret_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check([Encoding.UTF8.GetBytes("other")], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret)));

    [Fact]
    public void Verify_ChangedBody_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret), body: Encoding.UTF8.GetBytes("{\"version\":2}")));

    public static TheoryData<string, SignedFields> TamperedFields => new()
    {
        { "method", Fields with { Method = "PUT" } },
        { "path", Fields with { Path = "/api/resync" } },
        { "cluster id", Fields with { ClusterId = "prod-2" } },
        { "no cluster id", Fields with { ClusterId = "" } },
        { "content type", Fields with { ContentType = "text/plain" } },
        { "content type parameter", Fields with { ContentType = "application/json; charset=latin1" } },
        { "content encoding", Fields with { ContentEncoding = "" } },
        { "other content encoding", Fields with { ContentEncoding = "deflate" } },

        // Without the length prefix these two would sign the same bytes as the original.
        { "bytes moved between fields", Fields with { ClusterId = "prod-1\n31:application/json; charset=utf-8", ContentType = "" } },
    };

    [Theory]
    [MemberData(nameof(TamperedFields))]
    public void Verify_AnySignedFieldChanged_IsMismatch(string field, SignedFields tampered)
    {
        Assert.NotNull(field);
        Assert.Equal(SignatureCheck.Mismatch, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret), tampered));
    }

    [Fact]
    public void Verify_OtherNonce_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check([Secret], Now.ToUnixTimeSeconds(), "zzz999", SignNow(Secret)));

    [Fact]
    public void Verify_OtherTimestamp_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check([Secret], Now.ToUnixTimeSeconds() + 1, "abc123", SignNow(Secret)));

    [Fact]
    public void Verify_V1_IsValidWhileAccepted_AndCoversMethodPathAndBody()
    {
        var v1 = RequestSignature.SignV1(Secret, Now.ToUnixTimeSeconds(), "abc123", "POST", "/api/events", Body);

        Assert.StartsWith("v1=", v1, StringComparison.Ordinal);
        Assert.Equal(SignatureCheck.Valid, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", v1));
        Assert.Equal(SignatureCheck.Mismatch, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", v1, Fields with { Path = "/api/resync" }));
    }

    [Fact]
    public void Verify_V1_WhenNoLongerAccepted_IsOutdated()
    {
        var v1 = RequestSignature.SignV1(Secret, Now.ToUnixTimeSeconds(), "abc123", "POST", "/api/events", Body);

        Assert.Equal(SignatureCheck.Outdated, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", v1, acceptV1: false));
        Assert.Equal(SignatureCheck.Valid, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", SignNow(Secret), acceptV1: false));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Verify_TimestampOutsideSkew_IsStale(int offsetSeconds)
    {
        var at = Now.AddSeconds(offsetSeconds);
        var signature = RequestSignature.Sign(Secret, at.ToUnixTimeSeconds(), "abc123", Fields, Body);
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
    [InlineData("v2=0")]
    [InlineData("v3=00")]
    public void Verify_BadSignatureForm_IsMalformed(string signature) =>
        Assert.Equal(SignatureCheck.Malformed, Check([Secret], Now.ToUnixTimeSeconds(), "abc123", signature));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("soon")]
    public void Verify_BadTimestamp_IsMalformed(string timestamp) =>
        Assert.Equal(
            SignatureCheck.Malformed,
            RequestSignature.Verify([Secret], timestamp, "abc123", SignNow(Secret), Fields, Body, Now, Skew, acceptV1: true));

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
