using System.Text;
using System.Text.Json;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Turns an error response into a <see cref="SakuraApiException"/> (plugged into Refit as its exception
/// factory). Reads the API's error body when there is one, and keeps a short excerpt of anything else
/// (a proxy's HTML page, say) as the message.
/// </summary>
internal static class SakuraErrorMapper
{
    private const int MaxExcerpt = 500;

    /// <summary>Null for a success status; otherwise the exception describing the error response.</summary>
    public static async Task<Exception?> CreateAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await ReadBodyAsync(response, CancellationToken.None);
        var error = TryParse(body);
        var message = error?.ErrorMessage;
        if (error is null)
        {
            message = string.IsNullOrWhiteSpace(body) ? response.ReasonPhrase : Excerpt(body);
        }

        var request = response.RequestMessage;
        return new SakuraApiException(
            response.StatusCode,
            error?.ErrorCode,
            message,
            error?.Serial,
            request?.Method.Method,
            request?.RequestUri?.AbsolutePath);
    }

    /// <summary>For a 2xx body that is not the expected JSON: a clear error instead of a bare JSON exception.</summary>
    public static Task<Exception?> CreateDeserializationError(HttpResponseMessage response, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(exception);
        var request = response.RequestMessage;
        Exception error = new SakuraApiException(
            response.StatusCode,
            null,
            $"the response body could not be read: {exception.Message}",
            null,
            request?.Method.Method,
            request?.RequestUri?.AbsolutePath,
            SakuraErrorKind.InvalidResponse,
            exception);
        return Task.FromResult<Exception?>(error);
    }

    /// <summary>The <c>error_code</c> of an error body, if readable (the body stays readable afterwards).</summary>
    public static async Task<string?> TryReadErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            return TryParse(await ReadBodyAsync(response, cancellationToken))?.ErrorCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Parses an error body; null when it is not one.</summary>
    public static SakuraErrorBody? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, WireJson.TypeInfo<SakuraErrorBody>());
            return error is { ErrorCode: null, ErrorMessage: null, Serial: null } ? null : error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content is null)
        {
            return "";
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return Encoding.UTF8.GetString(bytes);
    }

    private static string Excerpt(string body)
    {
        var text = body.Trim();
        return text.Length <= MaxExcerpt ? text : string.Concat(text.AsSpan(0, MaxExcerpt), "…");
    }
}
