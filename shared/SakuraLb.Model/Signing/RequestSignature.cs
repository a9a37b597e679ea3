using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SakuraLb.Model.Signing;

/// <summary>What a v2 signature covers besides the timestamp, the nonce and the body.</summary>
/// <param name="Method">The HTTP method (signed upper case).</param>
/// <param name="Path">The request path without the query string, e.g. <c>/api/events</c>.</param>
/// <param name="ClusterId">The sender's cluster id, sent in <see cref="RequestSignature.ClusterHeader"/>.</param>
/// <param name="ContentType">The Content-Type header as sent; empty without a body.</param>
/// <param name="ContentEncoding">The Content-Encoding header as sent; empty when the body is not encoded.</param>
public sealed record SignedFields(string Method, string Path, string ClusterId, string ContentType, string ContentEncoding);

/// <summary>
/// The relay ↔ function request signature (docs/protocol.md, "Authentication"). Both sides use this one
/// implementation so they cannot disagree on the canonical form. Pure: the caller passes the time.
/// </summary>
/// <remarks>
/// v2 (sent by the relay): "v2=" + hex(HMAC-SHA256(secret, "v2\n" + for each of timestamp, nonce, METHOD, path,
/// cluster id, Content-Type, Content-Encoding: its UTF-8 byte length in decimal + ":" + the field + "\n"; then the
/// body)). The length prefix makes the fields unambiguous whatever they contain. The cluster id is signed so that
/// a request of one cluster cannot be passed off as another's where two share a secret; the content headers are
/// signed so that a man in the middle cannot make the receiver decode the signed bytes differently.
/// v1 (accepted for one release while the receiver allows it): "v1=" + hex(HMAC-SHA256(secret, "v1\n" + timestamp
/// + "\n" + nonce + "\n" + METHOD + "\n" + path + "\n" + body)).
/// The method and path are signed so that a captured events batch cannot be replayed against another
/// endpoint; the nonce makes two requests in the same second distinct, and lets the receiver refuse
/// a replay inside the accepted clock window.
/// </remarks>
public static class RequestSignature
{
    public const string TimestampHeader = "X-SakuraLb-Timestamp";
    public const string NonceHeader = "X-SakuraLb-Nonce";
    public const string SignatureHeader = "X-SakuraLb-Signature";
    public const string ClusterHeader = "X-SakuraLb-Cluster";
    public const string SchemePrefix = "v2=";
    public const string V1SchemePrefix = "v1=";

    /// <summary>Longest nonce accepted; nonces are stored for replay detection, so they are kept short.</summary>
    public const int MaxNonceLength = 64;

    /// <summary>Computes the v2 signature header value for a request.</summary>
    public static string Sign(ReadOnlySpan<byte> secret, long unixSeconds, string nonce, SignedFields fields, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var mac = ComputeV2(secret, unixSeconds.ToString(CultureInfo.InvariantCulture), nonce, fields, body);
        return SchemePrefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>Computes the v1 signature header value (what relays before v2 send); for compatibility tests and tools.</summary>
    public static string SignV1(ReadOnlySpan<byte> secret, long unixSeconds, string nonce, string method, string path, ReadOnlySpan<byte> body)
    {
        var mac = ComputeV1(secret, unixSeconds.ToString(CultureInfo.InvariantCulture), nonce, method, path, body);
        return V1SchemePrefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>A fresh random nonce (128 bits, hex).</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Checks the headers of a received request. Replay detection (has this nonce been seen?) is the
    /// caller's job, because it needs storage; it must be done only after this returns <see cref="SignatureCheck.Valid"/>.
    /// A v2 signature is checked against <paramref name="fields"/>; a v1 signature (which covers only the method,
    /// the path and the body of them) only when <paramref name="acceptV1"/>, otherwise it is <see cref="SignatureCheck.Outdated"/>.
    /// </summary>
    /// <param name="secrets">The current secret and, during a rotation, the previous one.</param>
    public static SignatureCheck Verify(
        IReadOnlyList<byte[]> secrets,
        string? timestampHeader,
        string? nonceHeader,
        string? signatureHeader,
        SignedFields fields,
        ReadOnlySpan<byte> body,
        DateTimeOffset now,
        TimeSpan maxClockSkew,
        bool acceptV1)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(fields);
        if (string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(nonceHeader) || string.IsNullOrEmpty(signatureHeader))
        {
            return SignatureCheck.Missing;
        }

        var v2 = signatureHeader.StartsWith(SchemePrefix, StringComparison.Ordinal);
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds)
            || nonceHeader.Length > MaxNonceLength
            || !nonceHeader.All(char.IsAsciiLetterOrDigit)
            || !(v2 || signatureHeader.StartsWith(V1SchemePrefix, StringComparison.Ordinal)))
        {
            return SignatureCheck.Malformed;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(signatureHeader.AsSpan(SchemePrefix.Length));
        }
        catch (FormatException)
        {
            return SignatureCheck.Malformed;
        }

        if (!v2 && !acceptV1)
        {
            return SignatureCheck.Outdated;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unixSeconds, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if ((now - sentAt).Duration() > maxClockSkew)
        {
            return SignatureCheck.Stale;
        }

        foreach (var secret in secrets)
        {
            if (secret.Length == 0)
            {
                continue;
            }

            var expected = v2
                ? ComputeV2(secret, timestampHeader, nonceHeader, fields, body)
                : ComputeV1(secret, timestampHeader, nonceHeader, fields.Method, fields.Path, body);
            if (CryptographicOperations.FixedTimeEquals(expected, presented))
            {
                return SignatureCheck.Valid;
            }
        }

        return SignatureCheck.Mismatch;
    }

    private static byte[] ComputeV2(ReadOnlySpan<byte> secret, string timestamp, string nonce, SignedFields fields, ReadOnlySpan<byte> body)
    {
        var head = new StringBuilder("v2\n");
        foreach (var field in (string[])[timestamp, nonce, fields.Method.ToUpperInvariant(), fields.Path, fields.ClusterId, fields.ContentType, fields.ContentEncoding])
        {
            head.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }

        return Mac(secret, Encoding.UTF8.GetBytes(head.ToString()), body);
    }

    private static byte[] ComputeV1(ReadOnlySpan<byte> secret, string timestamp, string nonce, string method, string path, ReadOnlySpan<byte> body) =>
        Mac(secret, Encoding.UTF8.GetBytes(string.Join('\n', "v1", timestamp, nonce, method.ToUpperInvariant(), path) + "\n"), body);

    private static byte[] Mac(ReadOnlySpan<byte> secret, byte[] head, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(head);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

/// <summary>The outcome of <see cref="RequestSignature.Verify"/>; every value but Valid is a 401.</summary>
public enum SignatureCheck
{
    Valid,

    /// <summary>A signature header is absent.</summary>
    Missing,

    /// <summary>A header does not have the documented form.</summary>
    Malformed,

    /// <summary>A v1 signature, and the receiver no longer accepts v1.</summary>
    Outdated,

    /// <summary>The timestamp is further from the receiver's clock than the allowed skew.</summary>
    Stale,

    /// <summary>The signature does not match the body with any configured secret.</summary>
    Mismatch,
}
