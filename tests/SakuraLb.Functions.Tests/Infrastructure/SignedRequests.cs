using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using SakuraLb.Model.Signing;

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>Builds ASP.NET Core requests as the relay sends them (docs/protocol.md), signed or deliberately not.</summary>
internal static class SignedRequests
{
    public const string Secret = "test-secret-0123456789abcdef0123456789abcdef";

    public static HttpRequest Create(
        string method,
        string path,
        byte[] body,
        string? secret = Secret,
        DateTimeOffset? signedAt = null,
        string? nonce = null,
        string contentType = "application/json; charset=utf-8",
        string? ifNoneMatch = null,
        long? contentLength = null,
        string? contentEncoding = null,
        string clusterId = FunctionHarness.ClusterId)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        request.Path = path;
        request.Body = new MemoryStream(body);
        request.ContentLength = contentLength ?? body.Length;
        if (method != "GET")
        {
            request.ContentType = contentType;
        }

        if (contentEncoding is not null)
        {
            request.Headers.ContentEncoding = contentEncoding;
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch = ifNoneMatch;
        }

        if (secret is not null)
        {
            var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
            nonce ??= RequestSignature.NewNonce();
            request.Headers[RequestSignature.TimestampHeader] = timestamp.ToString(CultureInfo.InvariantCulture);
            request.Headers[RequestSignature.NonceHeader] = nonce;
            request.Headers[RequestSignature.ClusterHeader] = clusterId;
            var fields = new SignedFields(method, path, clusterId, request.ContentType ?? "", contentEncoding ?? "");
            request.Headers[RequestSignature.SignatureHeader] = RequestSignature.Sign(Encoding.UTF8.GetBytes(secret), timestamp, nonce, fields, body);
        }

        return request;
    }

    public static HttpRequest Events(byte[] body, string? secret = Secret, DateTimeOffset? signedAt = null, string? nonce = null, string contentType = "application/json") =>
        Create("POST", "/api/events", body, secret, signedAt, nonce, contentType);

    public static HttpRequest Status(string? ifNoneMatch = null, string? secret = Secret) =>
        Create("GET", "/api/status", [], secret, ifNoneMatch: ifNoneMatch);

    public static HttpRequest Resync(byte[] body, string? secret = Secret) =>
        Create("POST", "/api/resync", body, secret);
}
