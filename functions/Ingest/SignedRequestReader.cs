using System.Text;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Options;
using SakuraLb.Model.Signing;
using SakuraLb.Model.Transport;

namespace SakuraLb.Functions.Ingest;

/// <summary>A request body that passed the size limit, the signature and the replay check; or the problem to answer.</summary>
public sealed record SignedBody(byte[]? Body, IActionResult? Problem, string? RejectReason)
{
    public bool IsValid => Problem is null;
}

/// <summary>A relay message that passed every check up to its cluster; or the problem to answer.</summary>
public sealed record SignedMessage<T>(T? Message, IActionResult? Problem)
    where T : class, IRelayMessage;

/// <summary>
/// Reads a relay request: the body up to <see cref="IngestOptions.MaxBodyBytes"/> (413 above), the HMAC
/// signature against the current and, until it expires, the previous secret (401 when missing, malformed, stale or wrong), and
/// the nonce against the replay store (401 when seen), then the content encoding (gzip is inflated up to
/// <see cref="IngestOptions.MaxDecompressedBytes"/>). Only a correctly signed request records its nonce, so
/// unsigned traffic cannot fill the store. Every refusal is logged here, with its status and reason.
/// </summary>
public sealed class SignedRequestReader(
    IOptions<IngestOptions> options,
    INonceStore nonces,
    ControllerSettings controller,
    TimeProvider time,
    ILogger<SignedRequestReader> logger)
{
    private readonly IngestOptions settings = options.Value;
    private readonly byte[][] currentOnly = [Encoding.UTF8.GetBytes(options.Value.HmacSecret)];
    private readonly byte[][] withPrevious = string.IsNullOrEmpty(options.Value.HmacSecretPrevious)
        ? [Encoding.UTF8.GetBytes(options.Value.HmacSecret)]
        : [Encoding.UTF8.GetBytes(options.Value.HmacSecret), Encoding.UTF8.GetBytes(options.Value.HmacSecretPrevious)];

    public async Task<SignedBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signed = await ReadSignedAsync(request, cancellationToken);
        if (signed.Problem is { } problem)
        {
            Rejected(request, problem, signed.RejectReason ?? "");
        }

        return signed;
    }

    /// <summary>
    /// A signed JSON message of the relay (<see cref="EventBatch"/>, <see cref="ResyncRequest"/>), checked in the
    /// order docs/protocol.md gives: <see cref="ReadAsync"/>, then the content type (415), the JSON (400
    /// invalid-json), the schema and version (400 invalid-request, every bad field named), the cluster (403).
    /// </summary>
    /// <param name="what">The message's name in the problem title ("event batch").</param>
    public async Task<SignedMessage<T>> ReadMessageAsync<T>(
        HttpRequest request,
        string what,
        Func<T, IReadOnlyList<FieldError>> validate,
        CancellationToken cancellationToken)
        where T : class, IRelayMessage
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(validate);
        var signed = await ReadAsync(request, cancellationToken);
        if (signed.Problem is { } unsigned)
        {
            return new SignedMessage<T>(null, unsigned);
        }

        if (!IsJson(request.ContentType))
        {
            return Refuse<T>(request, Problems.UnsupportedMediaType(request.ContentType), "content type");
        }

        if (!ModelJson.TryDeserialize<T>(signed.Body, out var message, out var error))
        {
            return Refuse<T>(request, Problems.InvalidJson(error!), "invalid JSON");
        }

        var errors = validate(message);
        if (errors.Count > 0)
        {
            return Refuse<T>(request, Problems.Invalid($"The {what} is invalid", errors), $"invalid {what}");
        }

        var cluster = message.ClusterId;
        return string.Equals(cluster, controller.ClusterId, StringComparison.Ordinal)
            ? new SignedMessage<T>(message, null)
            : Refuse<T>(request, Problems.Forbidden($"this function app serves cluster \"{controller.ClusterId}\", not \"{cluster}\""), "wrong cluster");
    }

    private SignedMessage<T> Refuse<T>(HttpRequest request, IActionResult problem, string reason)
        where T : class, IRelayMessage
    {
        Rejected(request, problem, reason);
        return new SignedMessage<T>(null, problem);
    }

    private void Rejected(HttpRequest request, IActionResult problem, string reason) =>
        logger.RequestRejected(request.Method, request.Path, problem is IStatusCodeActionResult { StatusCode: { } code } ? code : 500, reason);

    private async Task<SignedBody> ReadSignedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > settings.MaxBodyBytes)
        {
            return Reject(Problems.TooLarge(settings.MaxBodyBytes), "body too large");
        }

        var body = await ReadCappedAsync(request.Body, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Reject(Problems.TooLarge(settings.MaxBodyBytes), "body too large");
        }

        var now = time.GetUtcNow();
        var headers = request.Headers;
        // The previous secret of a rotation counts only until its expiry.
        var secrets = settings.HmacRotationEndsAt is { } expiry && now < expiry ? withPrevious : currentOnly;
        var cluster = headers[RequestSignature.ClusterHeader].FirstOrDefault() ?? "";
        var fields = new SignedFields(
            request.Method,
            (request.PathBase + request.Path).Value ?? "/",
            cluster,
            request.ContentType ?? "",
            headers.ContentEncoding.ToString());
        var check = RequestSignature.Verify(
            secrets,
            headers[RequestSignature.TimestampHeader].FirstOrDefault(),
            headers[RequestSignature.NonceHeader].FirstOrDefault(),
            headers[RequestSignature.SignatureHeader].FirstOrDefault(),
            fields,
            body,
            now,
            settings.MaxClockSkew,
            settings.AcceptSignatureV1);
        if (check != SignatureCheck.Valid)
        {
            var reason = check switch
            {
                SignatureCheck.Missing => "a signature header is missing",
                SignatureCheck.Malformed => "a signature header is malformed",
                SignatureCheck.Outdated => "signature v1 is no longer accepted (Ingest:AcceptSignatureV1 is off); update the relay",
                SignatureCheck.Stale => "the timestamp is outside the accepted clock skew",
                _ => "the signature does not match",
            };
            return Reject(Problems.Unauthorized(reason), reason);
        }

        // A v2 signature binds the request to the cluster in its header: it must be this app's cluster.
        var isV2 = headers[RequestSignature.SignatureHeader].First()!.StartsWith(RequestSignature.SchemePrefix, StringComparison.Ordinal);
        if (isV2 && !string.Equals(cluster, controller.ClusterId, StringComparison.Ordinal))
        {
            return Reject(Problems.Forbidden($"this function app serves cluster \"{controller.ClusterId}\", not \"{cluster}\""), "wrong cluster");
        }

        // A replay is possible while the timestamp is accepted: until sent + skew, and sent ≤ now + skew.
        var nonce = headers[RequestSignature.NonceHeader].First()!;
        bool fresh;
        try
        {
            fresh = await nonces.TryAddAsync(nonce, now + settings.MaxClockSkew + settings.MaxClockSkew, now, cancellationToken);
        }
        catch (RequestFailedException)
        {
            // Without the nonce store a replay cannot be told apart: refuse, but as an outage the relay retries.
            return Reject(Problems.StorageUnavailable(), "nonce store not reachable");
        }

        if (!fresh)
        {
            return Reject(Problems.Unauthorized("the nonce was already used"), "replayed nonce");
        }

        return Decode(request.Headers.ContentEncoding.ToString(), body);
    }

    /// <summary>
    /// The signature covers the bytes as sent, so a gzip body is inflated only after it is verified; the
    /// inflated size has its own cap (<see cref="IngestOptions.MaxDecompressedBytes"/>).
    /// </summary>
    private SignedBody Decode(string encoding, byte[] body)
    {
        if (string.IsNullOrWhiteSpace(encoding) || encoding.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return new SignedBody(body, null, null);
        }

        if (!encoding.Trim().Equals(GzipBody.ContentEncoding, StringComparison.OrdinalIgnoreCase))
        {
            return Reject(Problems.UnsupportedEncoding(encoding), "content encoding");
        }

        var inflated = GzipBody.Decompress(body, settings.MaxDecompressedBytes);
        return inflated.Outcome switch
        {
            GunzipOutcome.Ok => new SignedBody(inflated.Data, null, null),
            GunzipOutcome.TooLarge => Reject(Problems.TooLarge(settings.MaxDecompressedBytes), "inflated body too large"),
            _ => Reject(Problems.InvalidEncoding("Content-Encoding is gzip but the body is not a complete gzip stream"), "invalid gzip"),
        };
    }

    /// <summary>True for application/json and any +json type (charset parameters allowed).</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static SignedBody Reject(IActionResult problem, string reason) => new(null, problem, reason);

    private static async Task<byte[]?> ReadCappedAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }
    }
}
