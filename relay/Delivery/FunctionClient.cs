using System.Net;
using System.Text;
using System.Text.Json;
using SakuraLb.Model;
using SakuraLb.Model.Signing;
using SakuraLb.Model.Transport;
using SakuraLb.Relay.Options;

namespace SakuraLb.Relay.Delivery;

/// <summary>The answer of the function app to one request; <see cref="StatusCode"/> is 0 when no answer came.</summary>
public sealed record FunctionResponse(int StatusCode, string? Detail, IReadOnlyList<FieldError> Errors, Exception? Error = null)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>The answer to a resync request: the function app's response and, on success, what it started.</summary>
public sealed record ResyncResult(FunctionResponse Response, ResyncResponse? Started);

/// <summary>A request body as sent: the bytes, their Content-Encoding (null = plain JSON), and the JSON size.</summary>
public sealed record EncodedBody(byte[] Bytes, string? ContentEncoding, int JsonBytes);

/// <summary>The outcome of one status-feed poll.</summary>
public sealed record StatusPollResult(FunctionResponse Response, StatusFeed? Feed, string? ETag)
{
    public bool NotModified => Response.StatusCode == (int)HttpStatusCode.NotModified;
}

/// <summary>
/// Signed HTTP calls to the function app (docs/protocol.md): every request carries the Functions key and
/// the v2 HMAC signature over method, path, cluster id, content headers and exact body bytes, written by the shared
/// <see cref="FunctionRequests"/>. Never throws for HTTP or network failures:
/// they come back as a <see cref="FunctionResponse"/> for the caller to classify.
/// </summary>
public sealed class FunctionClient
{
    public const string EventsPath = "api/events";
    public const string StatusPath = "api/status";
    public const string ResyncPath = "api/resync";

    /// <summary>Longest error answer read (a problem document lists at most a bounded number of errors).</summary>
    public const int MaxProblemBytes = 256 * 1024;

    private readonly HttpClient http;
    private readonly RelayOptions options;
    private readonly TimeProvider time;
    private readonly byte[] secret;
    private readonly Uri baseUri;

    public FunctionClient(HttpClient http, RelayOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        this.http = http;
        this.options = options;
        this.time = time;
        secret = Encoding.UTF8.GetBytes(options.HmacSecret);
        var url = options.FunctionUrl ?? throw new ArgumentException("FunctionUrl is required", nameof(options));

        // Relative paths resolve under the base only when the base ends with '/'.
        baseUri = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    public Uri EventsUri => new(baseUri, EventsPath);

    /// <summary>POST /api/events with a body from <see cref="Encode"/> (the signature covers the bytes as sent).</summary>
    public Task<FunctionResponse> PostEventsAsync(EncodedBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SendAsync(HttpMethod.Post, EventsPath, body.Bytes, null, cancellationToken, contentEncoding: body.ContentEncoding);
    }

    /// <summary>The JSON as it goes on the wire: gzip-compressed from <see cref="RelayOptions.CompressAboveBytes"/> bytes on.</summary>
    public static EncodedBody Encode(byte[] json, int compressAboveBytes)
    {
        ArgumentNullException.ThrowIfNull(json);
        return compressAboveBytes > 0 && json.Length >= compressAboveBytes
            ? new EncodedBody(GzipBody.Compress(json), GzipBody.ContentEncoding, json.Length)
            : new EncodedBody(json, null, json.Length);
    }

    /// <summary>POST /api/resync; on success also what the function app started (null when its answer did not say).</summary>
    public async Task<ResyncResult> PostResyncAsync(ResyncRequest request, CancellationToken cancellationToken)
    {
        ResyncResponse? started = null;
        var response = await SendAsync(HttpMethod.Post, ResyncPath, ModelJson.SerializeToUtf8Bytes(request), null, cancellationToken, async (message, ct) =>
        {
            // The answer is informative only (it lists the Services it started, so it is bounded like the status feed):
            // one that is too large or does not parse still means the resync ran.
            if (await ReadBoundedAsync(message.Content, options.MaxStatusFeedBytes, ct) is { } bytes && ModelJson.TryDeserialize<ResyncResponse>(bytes, out var parsed, out _))
            {
                started = parsed;
            }

            return null;
        });
        return new ResyncResult(response, started);
    }

    /// <summary>GET /api/status with If-None-Match: a 304 costs nothing when nothing changed.</summary>
    public async Task<StatusPollResult> GetStatusAsync(string? etag, CancellationToken cancellationToken)
    {
        StatusFeed? feed = null;
        string? newEtag = null;
        var response = await SendAsync(HttpMethod.Get, StatusPath, null, etag, cancellationToken, async (message, ct) =>
        {
            if (message.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            var bytes = await ReadBoundedAsync(message.Content, options.MaxStatusFeedBytes, ct);
            if (bytes is null)
            {
                return $"the status feed is larger than Relay:MaxStatusFeedBytes ({options.MaxStatusFeedBytes} bytes)";
            }

            if (!ModelJson.TryDeserialize<StatusFeed>(bytes, out var parsed, out var error))
            {
                return $"the status feed is not valid: {error}";
            }

            feed = parsed;
            newEtag = message.Headers.ETag?.ToString() ?? parsed.ETag;
            return null;
        });

        if (response.IsSuccess && feed is null && response.StatusCode == (int)HttpStatusCode.OK)
        {
            // The body did not parse: report it as a failed poll, not as a feed.
            return new StatusPollResult(response with { StatusCode = 0 }, null, null);
        }

        return new StatusPollResult(response, feed, newEtag);
    }

    private async Task<FunctionResponse> SendAsync(
        HttpMethod method,
        string relativePath,
        byte[]? body,
        string? ifNoneMatch,
        CancellationToken cancellationToken,
        Func<HttpResponseMessage, CancellationToken, Task<string?>>? readSuccess = null,
        string? contentEncoding = null)
    {
        using var request = FunctionRequests.Create(
            method,
            new Uri(baseUri, relativePath),
            options.FunctionKey,
            options.ClusterId,
            secret,
            time.GetUtcNow(),
            body,
            contentEncoding);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var problem = readSuccess is null ? null : await readSuccess(response, timeout.Token);
                return new FunctionResponse(code, problem, []);
            }

            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FunctionResponse(code, null, []);
            }

            var problemBytes = await ReadBoundedAsync(response.Content, MaxProblemBytes, timeout.Token);
            if (problemBytes is null)
            {
                return new FunctionResponse(code, $"{response.ReasonPhrase} (an answer larger than {MaxProblemBytes} bytes, not read)", []);
            }

            var (detail, errors) = ParseProblem(System.Text.Encoding.UTF8.GetString(problemBytes));
            return new FunctionResponse(code, detail ?? response.ReasonPhrase, errors);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new FunctionResponse(0, $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s", [], ex);
        }
        catch (HttpRequestException ex)
        {
            return new FunctionResponse(0, ex.Message, [], ex);
        }
        catch (IOException ex)
        {
            // A body cut off while it is read (HttpIOException): a failed request, never an exception that ends a loop.
            return new FunctionResponse(0, ex.Message, [], ex);
        }
    }

    /// <summary>
    /// The whole body, or null when it is longer than <paramref name="maxBytes"/>: an answer (a misbehaving or
    /// impersonated endpoint) must not make the relay buffer without bound. Stops reading at the limit.
    /// </summary>
    internal static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads an RFC 9457 problem document: its title/detail and the errors list, if any.</summary>
    internal static (string? Detail, IReadOnlyList<FieldError> Errors) ParseProblem(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, []);
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (Truncate(text), []);
            }

            var root = doc.RootElement;
            var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var errors = new List<FieldError>();
            if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object
                        && item.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String)
                    {
                        var problem = item.TryGetProperty("problem", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                        errors.Add(new FieldError(path.GetString()!, problem ?? ""));
                    }
                }
            }

            var text2 = (title, detail) switch
            {
                (not null, not null) => $"{title}: {detail}",
                (not null, null) => title,
                (null, not null) => detail,
                _ => null,
            };
            return (text2, errors);
        }
        catch (JsonException)
        {
            return (Truncate(text), []);
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
