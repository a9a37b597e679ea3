using System.Globalization;

namespace SakuraLb.Model.Signing;

/// <summary>
/// A request to the function app with every authentication header (docs/protocol.md, "Authentication"): the
/// Functions key, the timestamp, a fresh nonce, the cluster id and the v2 signature over them, the content headers
/// and the body. The one place that writes these headers: the relay's delivery and the kubectl plugin's operator
/// requests both build their requests here, so they cannot drift from each other or from the verifier.
/// </summary>
public static class FunctionRequests
{
    public const string FunctionsKeyHeader = "x-functions-key";

    /// <summary>The Content-Type of every body (signed as sent).</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// A signed request; <paramref name="body"/> (JSON, as sent: already compressed when
    /// <paramref name="contentEncoding"/> names an encoding) for any method but GET, null for none.
    /// </summary>
    public static HttpRequestMessage Create(
        HttpMethod method,
        Uri uri,
        string functionKey,
        string clusterId,
        ReadOnlySpan<byte> secret,
        DateTimeOffset now,
        byte[]? body = null,
        string? contentEncoding = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        var request = new HttpRequestMessage(method, uri);
        var timestamp = now.ToUnixTimeSeconds();
        var nonce = RequestSignature.NewNonce();
        var fields = new SignedFields(
            method.Method,
            uri.AbsolutePath,
            clusterId,
            body is null ? "" : JsonContentType,
            body is null ? "" : contentEncoding ?? "");
        request.Headers.TryAddWithoutValidation(FunctionsKeyHeader, functionKey);
        request.Headers.TryAddWithoutValidation(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(RequestSignature.NonceHeader, nonce);
        request.Headers.TryAddWithoutValidation(RequestSignature.ClusterHeader, clusterId);
        request.Headers.TryAddWithoutValidation(RequestSignature.SignatureHeader, RequestSignature.Sign(secret, timestamp, nonce, fields, body ?? []));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", fields.ContentType);
            if (contentEncoding is not null)
            {
                request.Content.Headers.ContentEncoding.Add(contentEncoding);
            }
        }

        return request;
    }
}
