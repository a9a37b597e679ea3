using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SakuraLb.Model.Signing;

/// <summary>
/// The relay ↔ function request signature (docs/protocol.md, "Authentication"). Both sides use this one
/// implementation so they cannot disagree on the canonical form. Pure: the caller passes the time.
/// </summary>
/// <remarks>
/// signature = "v1=" + hex(HMAC-SHA256(secret, "v1\n" + timestamp + "\n" + nonce + "\n" + METHOD + "\n" + path + "\n" + body)).
/// The method and path are signed so that a captured events batch cannot be replayed against another
/// endpoint; the nonce makes two requests in the same second distinct, and lets the receiver refuse
/// a replay inside the accepted clock window.
/// </remarks>
public static class RequestSignature
{
    public const string TimestampHeader = "X-SakuraLb-Timestamp";
    public const string NonceHeader = "X-SakuraLb-Nonce";
    public const string SignatureHeader = "X-SakuraLb-Signature";
    public const string SchemePrefix = "v1=";

    /// <summary>Longest nonce accepted; nonces are stored for replay detection, so they are kept short.</summary>
    public const int MaxNonceLength = 64;

    /// <summary>Computes the signature header value for a request.</summary>
    public static string Sign(ReadOnlySpan<byte> secret, long unixSeconds, string nonce, string method, string path, ReadOnlySpan<byte> body)
    {
        var mac = ComputeMac(secret, unixSeconds.ToString(CultureInfo.InvariantCulture), nonce, method, path, body);
        return SchemePrefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>A fresh random nonce (128 bits, hex).</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Checks the three headers of a received request. Replay detection (has this nonce been seen?) is the
    /// caller's job, because it needs storage; it must be done only after this returns <see cref="SignatureCheck.Valid"/>.
    /// </summary>
    /// <param name="secrets">The current secret and, during a rotation, the previous one.</param>
    public static SignatureCheck Verify(
        IReadOnlyList<byte[]> secrets,
        string? timestampHeader,
        string? nonceHeader,
        string? signatureHeader,
        string method,
        string path,
        ReadOnlySpan<byte> body,
        DateTimeOffset now,
        TimeSpan maxClockSkew)
    {
        if (string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(nonceHeader) || string.IsNullOrEmpty(signatureHeader))
        {
            return SignatureCheck.Missing;
        }

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds)
            || nonceHeader.Length > MaxNonceLength
            || !nonceHeader.All(char.IsAsciiLetterOrDigit)
            || !signatureHeader.StartsWith(SchemePrefix, StringComparison.Ordinal))
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

            var expected = ComputeMac(secret, timestampHeader, nonceHeader, method, path, body);
            if (CryptographicOperations.FixedTimeEquals(expected, presented))
            {
                return SignatureCheck.Valid;
            }
        }

        return SignatureCheck.Mismatch;
    }

    private static byte[] ComputeMac(ReadOnlySpan<byte> secret, string timestamp, string nonce, string method, string path, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes(
            string.Join('\n', "v1", timestamp, nonce, method.ToUpperInvariant(), path) + "\n");
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

    /// <summary>The timestamp is further from the receiver's clock than the allowed skew.</summary>
    Stale,

    /// <summary>The signature does not match the body with any configured secret.</summary>
    Mismatch,
}
