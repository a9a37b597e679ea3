using System.Globalization;

namespace SakuraLb.Model.Signing;

/// <summary>
/// A request to the function app with every authentication header (docs/protocol.md, "Authentication"): the
/// Functions key, the timestamp, a fresh nonce, the cluster id and the v2 signature over them and the body. For
/// callers other than the relay's delivery (the kubectl plugin's operator requests).
/// </summary>
public static class OperatorRequests
{
    public const string FunctionsKeyHeader = "x-functions-key";
    public const string JsonContentType = "application/json";

    /// <summary>A signed request; a body (JSON) for any method but GET.</summary>
    public static HttpRequestMessage Create(HttpMethod method, Uri uri, string functionKey, string clusterId, ReadOnlySpan<byte> secret, DateTimeOffset now, byte[]? body = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        var request = new HttpRequestMessage(method, uri);
        var timestamp = now.ToUnixTimeSeconds();
        var nonce = RequestSignature.NewNonce();
        var fields = new SignedFields(method.Method, uri.AbsolutePath, clusterId, body is null ? "" : JsonContentType, "");
        request.Headers.TryAddWithoutValidation(FunctionsKeyHeader, functionKey);
        request.Headers.TryAddWithoutValidation(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(RequestSignature.NonceHeader, nonce);
        request.Headers.TryAddWithoutValidation(RequestSignature.ClusterHeader, clusterId);
        request.Headers.TryAddWithoutValidation(RequestSignature.SignatureHeader, RequestSignature.Sign(secret, timestamp, nonce, fields, body ?? []));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", JsonContentType);
        }

        return request;
    }
}
